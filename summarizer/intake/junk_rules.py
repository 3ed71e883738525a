"""Data for the line cleaner: what page furniture looks like. No logic beyond compiling.

Lines are matched after normalisation (NFKC, so full-width punctuation becomes ASCII, then
Traditional -> Simplified), so every pattern here is written once, in Simplified Chinese with
ASCII punctuation. Patterns are anchored to the whole line (``fullmatch``) unless listed as
"contains" rules with a length cap: a body sentence that merely mentions 朋友圈 survives.
"""

from __future__ import annotations

import re

# Whole-line rules: (reason, pattern). Checked in order; first hit wins.
LINE_RULES: list[tuple[str, str]] = [
    ("share", r"(点击)?(右上角)?(分享|发送)?(给|到)?微信好友|朋友圈|微信|微博|QQ空间|QQ好友|新浪微博|分享到:?[^。,,;]{0,30}|分享|扫一扫.{0,12}|微信扫一扫.{0,12}"),
    ("share", r"请使用浏览器(的)?分享功能(进行)?分享|都翻到这儿?了,?就分享一下吧!?|打开(客户端|APP|app)(,)?(发现|查看|阅读)更多(精彩|内容)?|立即(打开|下载)|下载(客户端|APP|app)|用(客户端|APP|app)打开"),
    ("share", r"(?i)share( this( article| story)?)?( on| to)?:?( (facebook|twitter|x|weibo|wechat|linkedin|email))*|tweet|email|print"),
    ("reading-now", r"正在阅读:.*|当前位置:.*|您的位置:.*|你的位置:.*"),
    ("read-more", r"阅读剩余全文.{0,4}|展开全文|点击(查看|阅读)全文|查看全文|(?i:read more|continue reading)"),
    ("comments", r"您此时的心情|新闻表情排行\s*/?|网友评论.{0,20}|网友跟贴|查看更多跟贴|我要评论|发表评论|返回顶部|回到顶部|(?i:back to top)|\d+人参与\s*\d+条评论|文明上网\s*理性发言.*"),
    ("comments", r"[•·\-*]?\s*(开心|难过|点赞|飘过|感动|愤怒|同情|震惊|无聊|搞笑|好奇)\s*\d*"),
    ("comments", r"\d{1,6}"),  # a bare counter left by a vote/emotion widget
    ("image", r"(?i)[^\s/\\]{0,60}\.(jpe?g|png|gif|webp|bmp|svg)|!\[[^\]]*\]\([^)]*\)"),
    ("hashtags", r"(#[^\s#]+\s*){3,}"),
    ("script", r"[\s'\"‘’“”`;:(){}\[\]<>/\\=+,.!|-]*[;{}][\s'\"‘’“”`;:(){}\[\]<>/\\=+,.!|-]*"),
    ("script", r"(?i).*(function\s*\(|document\.(write|getElement)|window\.|var\s+\w+\s*=|</?script|jQuery\(|\$\(function).*"),
    ("footer", r"(?i).*(\bICP\b|ICP备|ICP证|版权所有|copyright|©|all rights reserved|联系邮箱|投稿邮箱|违法和不良信息举报).*"),
    ("keywords", r"关键词:.*|标签:.*|(?i:tags?):.*"),
]

# Markers that start the page tail: everything after one (related lists, widgets, footers) is
# not article. Whole-line, after stripping bullets/dashes. Only honoured after some body.
TAIL_MARKERS: list[tuple[str, str]] = [
    ("related", r"相关(阅读|新闻|文章|报道|链接|推荐)|推荐阅读|延伸阅读|热门推荐|猜你喜欢|更多(新闻|资讯|阅读)|热点推荐|相关稿件|往期回顾|(?i:(related|recommended|more)( news| stories| articles| reading)?)"),
    ("related", r"加载更多|视觉焦点|独家策划|热门文章|排行榜|新闻排行"),
    ("read-more", r"阅读剩余全文.{0,4}|展开全文"),
    ("comments", r"您此时的心情|网友评论.{0,20}|网友跟贴|发表评论|我要评论"),
    ("share", r"都翻到这儿?了,?就分享一下吧!?"),
    ("footer", r"版权声明:?|免责声明:?|(?i:copyright\s*(©|\(c\)|\d{4}).*)"),
]

# Credits: kept as metadata (Document.credits / Document.source), dropped from the body.
CREDIT_KEYS: dict[str, str] = {
    "来源": "source",
    "稿源": "source",
    "出处": "source",
    "编辑": "editor",
    "责编": "editor",
    "责任编辑": "editor",
    "主编": "editor",
    "校对": "proofreader",
    "审校": "proofreader",
    "审核": "reviewer",
    "终审": "reviewer",
    "监制": "producer",
    "记者": "reporter",
    "通讯员": "reporter",
    "文": "reporter",
    "作者": "author",
    "摄影": "photographer",
    "图": "photographer",
    "关键词": "keywords",
    "來源": "source",
    "編輯": "editor",
    "責編": "editor",
    "責任編輯": "editor",
    "校對": "proofreader",
    "審核": "reviewer",
    "記者": "reporter",
    "通訊員": "reporter",
    "關鍵詞": "keywords",
    "攝影": "photographer",
    "source": "source",
    "editor": "editor",
    "reporter": "reporter",
    "author": "author",
}
_KEYS = "|".join(sorted((re.escape(k) for k in CREDIT_KEYS), key=len, reverse=True))
# One "key: value" pair inside a credit line; value runs to 2+ spaces or the next key.
CREDIT_PAIR = re.compile(rf"(?i)({_KEYS})\s*[:/]\s*(.*?)(?=\s{{2,}}|\s*(?:{_KEYS})\s*[:/]|\s*\]|\s*\)|$)")
# A whole credit line: starts with a key and colon, or is bracketed ([ 责编:x ], (记者 x y)).
CREDIT_LINE = re.compile(
    rf"(?i)\[?\s*(?:{_KEYS})\s*:.{{0,80}}|\[\s*(?:{_KEYS})\s*[:/].{{0,60}}\]|\(\s*(?:记者|記者|通讯员|通訊員|文|图|實習生|实习生|reporter)[\s:/].{{0,60}}\)"
)

# Date formats for datelines; year required for ISO output.
DATE_PATTERNS: list[str] = [
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?",
    r"(?i)(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>(?:19|20)\d{2})",
    r"(?i)(?P<d>\d{1,2})\s+(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?P<y>(?:19|20)\d{2})",
]
# Trailing widget text sometimes glued to a dateline ("2023年01月27日 21:21 0人参与 0条评论").
DATELINE_TAIL_JUNK = re.compile(r"\s*(\d+人参与|\d+条评论|阅读\s*\d+|浏览\s*\d+|\d+\s*阅读).*$")
TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")

# App banners and slogans are short lines glued to a share/app prompt in the page header.
BANNER_MAX_CHARS = 15

# Heading heuristics for the title.
TITLE_MAX_HAN = 60
TITLE_MAX_LATIN = 220

COMPILED_LINE_RULES = [(reason, re.compile(p)) for reason, p in LINE_RULES]
COMPILED_TAIL_MARKERS = [(reason, re.compile(p)) for reason, p in TAIL_MARKERS]
COMPILED_DATES = [re.compile(p) for p in DATE_PATTERNS]
