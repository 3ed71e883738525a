"""Data for the line cleaner: what page furniture looks like. No logic beyond compiling.

Lines are matched after normalisation (NFKC, so full-width punctuation becomes ASCII, then
Traditional -> Simplified), so every pattern here is written once, in Simplified Chinese with
ASCII punctuation. Patterns are anchored to the whole line (``fullmatch``) unless listed as
"contains" rules with a length cap: a body sentence that merely mentions 朋友圈 survives.
"""

from __future__ import annotations

import re

from .language import s2t

# Arrows, brackets and markers that decorate furniture lines (Read More ▼, ↑TOP, [返回顶部]).
_ARROWS = r"[\s\[\]()【】<>«»↑↓▲▼△▽^⬆⬇︿﹀>›»·•|]*"

# A counter: a counter word with or without its number, or a number with an English counter
# word after it. A counter line is one or more counters and nothing else.
_COUNT = r"\d[\d,.]*\s*[万千kKwW]?\+?"
_COUNTER_WORD = (
    r"(?:阅读量|阅读数|阅读|浏览量|浏览次数|浏览人次|浏览|点击量|点击数|点击率|点击|访问量|人气|热度|点赞|赞|收藏|评论数|评论|转发|分享数|在看"
    r"|(?i:views?|reads?|likes?|shares?|hits|visits|comments?))"
)
_COUNTER = rf"(?:{_COUNTER_WORD}\s*[:(]?\s*(?:{_COUNT})?\s*[次人)]?\s*[次人]?|{_COUNT}\s*(?:次|人次|人)?\s*{_COUNTER_WORD}|{_COUNT}人参与|{_COUNT}条评论)"
_COUNTER_LINE = rf"(?:{_COUNTER})(?:\s*[|/·•,]?\s*(?:{_COUNTER}))*"

# Whole-line rules: (reason, pattern). Checked in order; first hit wins.
LINE_RULES: list[tuple[str, str]] = [
    ("share", r"(点击)?(右上角)?(分享|发送)?(给|到)?微信好友|朋友圈|微信|微博|QQ空间|QQ好友|新浪微博|分享到:?[^。,,;]{0,30}|分享|扫一扫.{0,12}|微信扫一扫.{0,12}"),
    ("share", r"请使用浏览器(的)?分享功能(进行)?分享|都翻到这儿?了,?就分享一下吧!?|打开(客户端|APP|app)(,)?(发现|查看|阅读)更多(精彩|内容)?|立即(打开|下载)|下载(客户端|APP|app)|用(客户端|APP|app)打开"),
    ("share", r"(?i)share( this( article| story)?)?( on| to)?:?( (facebook|twitter|x|weibo|wechat|linkedin|email))*|tweet|email|print"),
    ("reading-now", r"正在阅读:.*|当前位置:.*|您的位置:.*|你的位置:.*"),
    ("read-more", r"阅读剩余全文.{0,4}|展开全文|点击(查看|阅读)全文|查看全文|(?i:read more|continue reading)" + _ARROWS),
    ("comments", r"您此时的心情|新闻表情排行\s*/?|网友评论.{0,20}|网友跟贴|查看更多跟贴|我要评论|发表评论|\d+人参与\s*\d+条评论|文明上网\s*理性发言.*"
                 r"|已有\s*\d+\s*人参与.{0,12}|(?i:leave a (?:comment|reply)|post a comment|add a comment|comments?\s*\(\d+\)|\d+\s+comments?"
                 r"|your email address will not be published\.?.{0,60}|(?:be the first to|log in to) comment.{0,20})"),
    # paywalls and "read the rest" notices, with what is left: 订阅后阅读全文(剩余80%), ……剩余70%未读
    # 点击阅读全文, Sign in to read the rest (75% left), Subscribe to read the full article
    ("paywall", r"[.…\s]*(?:(?:订阅|登录|注册|付费|开通会员|关注|购买|解锁)\S{0,8}?(?:阅读|查看|观看|收听)\S{0,6}"
                r"|(?:剩余|还剩|剩下)\s*\d{1,3}\s*%\s*(?:未读|内容)?|(?:点击|继续)?(?:阅读|查看)(?:剩余|全文|更多|原文)\S{0,4})"
                r"(?:[\s(),.…:]*(?:剩余|还剩)?\s*\d{1,3}\s*%\s*(?:未读|内容)?[)]?|[\s,.…]*(?:点击|继续)?(?:阅读|查看)(?:全文|剩余|更多)\S{0,4})*" + _ARROWS),
    ("paywall", r"(?i)(?:(?:subscribe|sign in|sign up|log in|login|register|become a member|unlock)\b.{0,40}?\b(?:read|continue|access|unlock|view)\b.{0,40}"
                r"|already (?:a )?(?:subscriber|member)\b.{0,30}|(?:read|view) (?:the )?(?:full|rest|whole|entire)\b.{0,30}"
                r"|(?:\(?\d{1,3}\s*%\s*(?:left|remaining)\)?))" + _ARROWS),
    # back to the top, in any case, with arrows and brackets: 返回顶部 [返回顶部] 回到顶部↑ ↑TOP BACK TO THE TOP
    ("back-to-top", _ARROWS + r"(?i:(?:back|go|return|scroll)\s+to\s+(?:the\s+)?top|top|返回顶部|回到顶部|返回页首|回页首|回顶部|顶部|返回首页)" + _ARROWS),
    # counters alone on a line: 浏览量:次  阅读 1.2万  点赞(12) 收藏 评论  1,204 Views  Like 56  2,318 views | 14 comments
    ("counter", _COUNTER_LINE),
    ("comments", r"[•·\-*]?\s*(开心|难过|点赞|飘过|感动|愤怒|同情|震惊|无聊|搞笑|好奇)\s*\d*"),
    ("comments", r"\d{1,6}"),  # a bare counter left by a vote/emotion widget
    ("image", r"(?i)[^\s/\\]{0,60}\.(jpe?g|png|gif|webp|bmp|svg)|!\[[^\]]*\]\([^)]*\)"),
    ("hashtags", r"(#[^\s#]+\s*){3,}|(#[^#\n]{1,24}#\s*)+"),
    # widgets and site chrome: 【打印本页】【关闭窗口】 字号：大 中 小 友善列印 跳到主要內容區塊
    ("nav", r"(?:[\[(【]?\s*(?:打印本页|打印|关闭窗口|关闭|收藏本页|收藏|纠错|分享|字[号体级]\s*[:：]?\s*[\[(【]?\s*大\s*中\s*小\s*[\])】]?"
            r"|[大中小](?:\s+[大中小]){2}|友善列印|列印|跳到主要内容区块|跳到主要内容|无障碍|繁体|简体|English)\s*[\])】]?\s*){1,8}"),
    ("nav", r"(?i)(?:skip to (?:main )?content|print(?: this (?:page|article))?|font size:?.{0,12}|text size:?.{0,12})"),
    # app prompts and banners: 下载湖东新闻客户端 看更多本地资讯, 打開海澄新聞客戶端，閱讀體驗更佳, Download our app
    ("app-banner", r"(?:(?:下载|打开|安装)\S{0,10}?(?:客户端|APP|app|App)\S{0,2}[\s,，。!！]*.{0,16}|(?i:(?:download|get|open|install) (?:the |our )?(?:\w+ )?app\b.{0,40}))"),
    ("script", r"[\s'\"‘’“”`;:(){}\[\]<>/\\=+,.!|-]*[;{}][\s'\"‘’“”`;:(){}\[\]<>/\\=+,.!|-]*"),
    ("script", r"(?i).*(function\s*\(|document\.(write|getElement)|window\.|var\s+\w+\s*=|</?script|jQuery\(|\$\(function).*"),
    ("footer", r"(?i).*(\bICP\b|ICP备|ICP证|版权所有|copyright|©|all rights reserved|联系邮箱|投稿邮箱|违法和不良信息举报"
               r"|未经(?:授权|许可|允许)[,，]?\s*不得转载|转载请注明|公网安备|网站标识码).*"),
    ("footer", r"(?:主办|承办|协办|技术支持|主管)\s*[:：].{1,40}(?:\s+(?:主办|承办|协办|技术支持|主管)\s*[:：].{1,40})*"),
    ("keywords", r"关键词:.*|标签:.*|(?i:tags?):.*"),
    # bylines that are not "key: value" credits: Posted by lanshan_news on May 6, 2024 | 0 comments
    ("credit", r"(?i)(?:posted|written|reported|published|filed|story|text|words|compiled)\s+by\s+[^.!?。！？]{1,80}"),
]

# Markers that start the page tail: everything after one (related lists, widgets, footers) is
# not article. Whole-line, after stripping bullets/dashes. Only honoured after some body.
TAIL_MARKERS: list[tuple[str, str]] = [
    ("related", r"相关(阅读|新闻|文章|报道|链接|推荐)|推荐阅读|延伸阅读|热门推荐|猜你喜欢|更多(新闻|资讯|阅读)|热点推荐|相关稿件|往期回顾"
                r"|(?i:(related|recommended|more)( news| stories| articles| reading| coverage)?:?|you (may|might) (also )?like|(most|top) (popular|read|viewed)( stories| articles)?|trending( now)?|read next|editor'?s picks)"),
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
    "出品": "producer",
    "制作": "producer",
    "策划": "producer",
    "统筹": "producer",
    "文字": "reporter",
    "撰稿": "reporter",
    "撰文": "reporter",
    "实习生": "reporter",
    "图片": "photographer",
    "摄像": "photographer",
    "视频": "photographer",
    "设计": "designer",
    "美编": "designer",
    "海报": "designer",
    "翻译": "translator",
    "值班编辑": "editor",
    "执行编辑": "editor",
    "文字编辑": "editor",
    "编审": "reviewer",
    "复审": "reviewer",
    "审签": "reviewer",
    "source": "source",
    "sources": "source",
    "editor": "editor",
    "editors": "editor",
    "edited by": "editor",
    "reporter": "reporter",
    "reporters": "reporter",
    "staff reporter": "reporter",
    "staff writer": "reporter",
    "correspondent": "reporter",
    "written by": "author",
    "reported by": "reporter",
    "author": "author",
    "by": "author",
    "photo": "photographer",
    "photos": "photographer",
    "photo by": "photographer",
    "photos by": "photographer",
    "photographer": "photographer",
    "images": "photographer",
    "translator": "translator",
    "translated by": "translator",
}
# Traditional spellings of every Chinese key (責任編輯, 攝影 ...), so pages in either script match.
CREDIT_KEYS.update({s2t(k): v for k, v in list(CREDIT_KEYS.items()) if not k.isascii() and s2t(k) != k})
_KEYS = "|".join(sorted((re.escape(k) for k in CREDIT_KEYS), key=len, reverse=True))
# Keys long enough to stand with a bare space after them ("摄影 黄锐", "By Helen Zhao"); a
# one-character key (文, 图) needs a real separator.
_SPACED_KEYS = "|".join(sorted((re.escape(k) for k in CREDIT_KEYS if len(k) >= 2), key=len, reverse=True))
# A key and what follows it before the value: ":" "/" "|" (after NFKC) or 丨, or bare spaces
# after a key of two or more characters. Group 1 or group 2 holds the key.
_KEY_SEP = rf"(?:({_KEYS})\s*[:/|丨]\s*|({_SPACED_KEYS})\s+)"
# One "key: value" pair inside a credit line; value runs to 2+ spaces or the next key.
CREDIT_PAIR = re.compile(
    rf"(?i)(?<![A-Za-z]){_KEY_SEP}(.*?)(?=\s{{2,}}|\s*[|丨/]?\s*(?<![A-Za-z])(?:{_KEYS})(?:\s*[:/|丨]|\s*$)|\s*\]|\s*\)|$)"
)
# A whole credit line: starts with a key and separator, or is bracketed ([ 责编:x ], (记者 x y),
# (责任编辑:x)).
CREDIT_LINE = re.compile(
    rf"(?i)\[?\s*{_KEY_SEP}.{{1,80}}|\[\s*(?:{_KEYS})\s*[:/|丨].{{0,60}}\]|\(\s*(?:{_KEYS})[\s:/|丨].{{0,60}}\)"
)
# A credit glued before a paragraph: "Lanshan Daily News (Reporter/Zhou Min Xu Hao) On ...",
# "本报讯(记者 王晓明 通讯员 李婷)7月2日, ...": a short outlet name, then the bracketed credit.
CREDIT_PREFIX = re.compile(  # matched on the raw line: both widths of brackets and separators
    rf"(?i)(?P<outlet>[^()（）\[\]。,，;；!?！？.]{{0,40}}?)\s*[(（]\s*(?:{_KEYS})[\s:/|丨：｜][^()（）]{{1,60}}[)）]\s*"
)

# Date formats for datelines; year required for ISO output.
DATE_PATTERNS: list[str] = [
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?",
    r"(?i)(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>(?:19|20)\d{2})",
    r"(?i)(?P<d>\d{1,2})\s+(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?P<y>(?:19|20)\d{2})",
]
# Trailing widget text sometimes glued to a dateline ("2023年01月27日 21:21 0人参与 0条评论",
# "发布时间:2024-01-23 来源:云梧日报 字号:大 中 小", "Lanshan Today | 2024-05-09 | 123 views").
# Matched on the Simplified form of the line.
DATELINE_TAIL_JUNK = re.compile(
    rf"[\s|/·]*(?:\d+人参与|\d+条评论|{_COUNTER}|字[号体级]\s*[:：]?|【字|\[?\s*[大中小]\s+[大中小]\s+[大中小]).*$"
)
TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")

# App banners and slogans are short lines glued to a share/app prompt in the page header.
BANNER_MAX_CHARS = 15

# Heading heuristics for the title.
TITLE_MAX_HAN = 60
TITLE_MAX_LATIN = 220

COMPILED_LINE_RULES = [(reason, re.compile(p)) for reason, p in LINE_RULES]
COMPILED_TAIL_MARKERS = [(reason, re.compile(p)) for reason, p in TAIL_MARKERS]
COMPILED_DATES = [re.compile(p) for p in DATE_PATTERNS]
