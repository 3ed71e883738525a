"""Personal names: Chinese surnames, and what an English name token may be.

Written here (not a segmenter such as jieba) because the rules only need to tell where a name
that follows or precedes an official title starts and ends; a 300-entry surname list and a few
boundary words do that in microseconds, without a dictionary download or a model. All lists are
Simplified: the rules match on the folded (Simplified) copy of the text.
"""

from __future__ import annotations

import re

# The common single-character surnames (the Hundred Family Surnames' frequent part plus the most
# frequent modern ones); compound surnames separately.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖"
    "漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹"
    "诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "夏侯", "尉迟", "公孙", "长孙", "宇文",
    "司徒", "申屠", "端木", "独孤", "南宫", "西门", "轩辕", "呼延", "百里", "万俟", "闻人", "澹台", "公冶",
}
# Characters that cannot be part of a given name: organisation and title words, function words
# (not verbs such as 强 or 表: 王强, 李表 are names).
NOT_GIVEN = set(
    "市区县省镇乡村街委局厅部党政府办会院校司处科记任席理员书主副总的了是在等与及这那我你他她们个年月日对被把让给跟也还都就"
)
# Words that may directly follow a Chinese name (so the name ends there). Longest first at use.
AFTER_NAME = sorted(
    """表示 指出 强调 说 讲话 主持 出席 参加 介绍 要求 提出 认为 称 透露 坦言 谈到 致辞 作 做 在 日前 近日 今天 昨天
    今日 昨日 前往 到 赴 率 带 一行 等 同志 和 与 及 也 还 对 就 向 为 会见 接受 调研 考察 视察 检查 督导 深入 来到
    走访 宣布 发表 部署 回答 答 解读 分析 亲自 先后 首先 当天 随后 则 都 均 同时 指示 批示 希望 寄语 说明 通报 听取
    充分 高度 肯定 带队 率队 陪同 参观 出台 签署 会上 提到 表态 明确 号召 发出 倡议 呼吁 点评 总结 讲述 回应 直言
    告诉 记者 现场 的 是 召开 作出 做出 将 要 已 曾 一直 所 以 从 于 被 把 让 给 同 跟 主讲 发言 上午 下午 晚上 表彰
    看望 慰问 出任 担任 兼任 任 代表 认真 详细 专门 特别 开展 参与 了 到场 莅临 此前 目前 当选 介入 受 补充 进一步
    再次 随即 接着 又 多次 反复 简要 着重 深刻 对此 就此 在此 最后 重申 坚持 带头 牵头 主动""".split(),
    key=len,
    reverse=True,
)
# Words just before a Chinese name written before its title (张三书记): the name starts after them.
BEFORE_NAME = sorted("据 由 的 了 是 在 向 对 与 和 及 同 请 经 被 让 把 将 等 会上 会见 陪同 邀请 听取 看望 记者 专访 采访 有".split(), key=len, reverse=True)

# English: a name token is a capitalised word (pinyin "Maochang", "Xiao-ming", "O'Brien").
EN_NAME_TOKEN = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]+)?")
# Capitalised words that are never part of a person's name in this genre.
EN_NOT_NAME = set(
    """The A An This That These Those It She They We I Our Its His Her Their In On At For And Of With From By To As
    District City County Province Provincial Municipal Municipality Party Committee Government Bureau Department
    Office Office's People People's Congress Standing National Chinese China Council Commission Zone Area New High
    Tech Hi Secretary Mayor Director Deputy General Vice Executive Chief Group Leadership Meeting Conference Chairman
    Chairwoman Chair President Minister Premier Head Governor Commissioner Spokesperson Spokesman Spokeswoman
    Magistrate Dean Principal Ambassador Consul Councillor Councilor Leader Manager Officer Member Members
    Daily News Times Post Agency Xinhua Reporter Editor Correspondent Photographer Photo Source
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December State Central Municipal Town Township Village Street Development Reform
    Science Technology Innovation Industry Industrial Economic Economy Bay Greater Lake Park Corridor Center Centre
    University Institute Academy Company Group Association Federation Union Bank Fund Plan Program Programme Project
    Action Actions Initiative Strategy CPC CPPCC NPC GDP Mr Mrs Ms Dr Prof Comrade Communist Hong Kong Macao Macau
    Guangdong Guangzhou Shenzhen Dongguan Beijing Shanghai Jiangmen First Second Third Fourth Fifth Sixth Next
    However Meanwhile Also Then Under According Among Besides After Before During Since Today Yesterday Last""".split()
)


def zh_name_after(folded: str, pos: int) -> int | None:
    """End of a Chinese name starting at ``pos`` (surname + one or two characters), or None.

    Spaces between a title and the name (市长 林海涛) are skipped: pass ``pos`` after them.

    The name must be followed by punctuation, a non-Han character or a word in ``AFTER_NAME``;
    the shortest reading that is followed by one wins (韦皓主持 -> 韦皓, 吕成蹊， -> 吕成蹊).
    """
    head = folded[pos : pos + 2]
    if head in COMPOUND_SURNAMES:
        given_at = pos + 2
    elif head[:1] in SURNAMES:
        given_at = pos + 1
    else:
        return None
    for g in (1, 2):
        end = given_at + g
        given = folded[given_at:end]
        if len(given) < g or not all(_han(c) and c not in NOT_GIVEN for c in given):
            return None
        if _ends_name(folded, end):
            return end
    return None


def zh_name_before(folded: str, end: int) -> int | None:
    """Start of a Chinese name that ends at ``end`` (written before its title: 张三书记), or None."""
    for length in (3, 2, 4):
        start = end - length
        if start < 0:
            continue
        name = folded[start:end]
        surname = 2 if name[:2] in COMPOUND_SURNAMES else 1
        if surname == 2 and length < 3 or name[:1] not in SURNAMES and surname == 1:
            continue
        if not all(_han(c) for c in name) or any(c in NOT_GIVEN for c in name[surname:]):
            continue
        if start == 0 or not _han(folded[start - 1]) or any(folded.endswith(w, 0, start) for w in BEFORE_NAME):
            return start
    return None


def _ends_name(folded: str, end: int) -> bool:
    if end >= len(folded) or not _han(folded[end]):
        return True
    return any(folded.startswith(w, end) for w in AFTER_NAME)


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def en_name_at(text: str, pos: int) -> int | None:
    """End of an English personal name (two or three capitalised tokens) starting at ``pos``.

    A run of four or more capitalised tokens is a heading or an organisation, not a name.
    """
    tokens: list[re.Match[str]] = []
    at = pos
    while len(tokens) < 4:
        m = EN_NAME_TOKEN.match(text, at)
        if not m or (m.end() < len(text) and (text[m.end()].isalnum())):
            break
        tokens.append(m)
        nxt = m.end()
        if text.startswith(" ", nxt) and nxt + 1 < len(text) and text[nxt + 1].isupper():
            at = nxt + 1
        else:
            break
    if not 2 <= len(tokens) <= 3:
        return None
    # "Vice-Mayor": a hyphenated title is not a given name
    if any(part in EN_NOT_NAME for t in tokens for part in re.split(r"[-'’]", t.group(0))):
        return None
    return tokens[-1].end()
