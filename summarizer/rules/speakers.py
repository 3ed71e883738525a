"""Speakers: officials named with a title who speak in the article.

A speaker is a person written with an official title (``东莞市委书记肖亚非``, ``张三书记``,
``Mayor Li Hua``, ``Li Hua, party secretary of ...``) who, in at least one mention, speaks:
a speech verb in the clause after the name (表示, 指出, 主持, said, pointed out, presided ...),
``said``/``according to`` just before it, or a line that is only the title and the name
(interview transcripts: ``东莞市发展和改革局局长叶惠明:`` then the answer). People who only
attend, national leaders cited as ``总书记``/``General Secretary``, and anyone named in a byline
(reporters, editors, photographers, correspondents) are not speakers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import SpeakerDraft, is_blank
from .names import en_name_at, zh_name_after, zh_name_before
from .text import HAN, View, fold

# --------------------------------------------------------------------------- lexicon (Simplified)

_ZH_TITLE_CORE = """书记 市长 区长 县长 镇长 乡长 省长 州长 主任 局长 主席 部长 厅长 处长 科长 司长 委员 常委 秘书长 董事长
总经理 总裁 院长 校长 会长 理事长 社长 行长 所长 署长 总理 发言人 主委 庭长 检察长 关长 台长 站长 队长 组长 总监 代表
总工程师 党组书记 总书记 首席执行官 负责人""".split()
_ZH_TITLES = sorted({p + t for t in _ZH_TITLE_CORE for p in ("", "副", "常务副")}, key=len, reverse=True)
_ZH_TITLE_RE = re.compile("|".join(_ZH_TITLES))
# titles a name may stand before (张三书记, 李四局长)
_ZH_TITLES_AFTER_NAME = {"书记", "市长", "区长", "县长", "镇长", "省长", "主任", "局长", "部长", "主席", "院长", "校长",
                         "董事长", "总经理", "总书记", "厅长", "处长", "会长", "行长", "所长"}
_ZH_SPEECH = re.compile(
    "表示|指出|强调|说|讲话|主持|介绍|要求|提出|认为|称|透露|坦言|谈到|致辞|发言|部署|回答|答记者|解读|分析|宣布|说明|希望|"
    "寄语|表态|号召|呼吁|告诉|直言|回应|总结|作报告|作工作报告|作动员|提到|谈及|介绍说|指示|批示"
)
# chars allowed in the organisation + title run before a name (、 joins chained titles)
_ZH_ORG_CHAR = re.compile(rf"[{HAN}、()（）·A-Za-z0-9]")
_ZH_ORG_STOP = sorted(
    "据 由 经 请 邀请 会见 陪同 听取 看望 慰问 采访 专访 会上 会议 期间 日前 近日 今天 当天 上午 下午 晚上 昨天 的 了 是 向 对 在 以及 及 同 有 时 后 中 并 为".split(),
    key=len,
    reverse=True,
)
_ZH_CREDIT = re.compile(
    rf"(?:记者|通讯员|实习生|编辑|责编|责任编辑|主编|编审|审核|审校|校对|监制|统筹|摄影|摄像|作者|撰文|文字|图片|文/图|文图|来源)"
    rf"\s*[:：/|｜丨]?\s*((?:[{HAN}]{{2,4}}[\s、，,/]*){{1,6}})"
)
_ZH_CREDIT_AFTER = re.compile(rf"([{HAN}]{{2,4}})\s*[/／]?\s*(?:摄|摄影|供图|报道)(?![{HAN}])")
_EXCLUDED_TITLES = ("总书记", "general secretary")

_EN_TITLE_WORDS = (
    "secretary|mayor|governor|director-general|director|chairman|chairwoman|chair|president|minister|premier|"
    "head|chief|commissioner|spokesperson|spokesman|spokeswoman|magistrate|ceo|dean|principal|ambassador|consul|"
    "councillor|councilor|deputy|leader|manager|officer|party chief|executive"
)
_EN_TITLE_THEN_NAME = re.compile(rf"(?:{_EN_TITLE_WORDS})\s+")  # on the lower-cased text
_EN_TITLE_IN_PHRASE = re.compile(rf"\b(?:{_EN_TITLE_WORDS})\b", re.I)
_EN_TITLE_LINK = {"of", "the", "and", "for", "&"}
_EN_PHRASE_STOP = re.compile(
    r"[,;.()\"“”:]|\b(?:said|says|stated|attended|presided|pointed|emphasi[sz]ed|stressed|noted|added|told|delivered|"
    r"gave|made|chaired|hosted|urged|called|announced|is|was|were|are|will|has|had|who|which|that|when|while)\b"
)
_EN_SPEECH = re.compile(
    r"\b(?:said|says|stated|states|pointed out|points out|emphasi[sz]e[sd]?|stressed|stresses|noted|notes|added|told|"
    r"explained|remarked|urged|called for|called on|proposed|announced|delivered a speech|gave a speech|"
    r"made a speech|spoke|presided|chaired|hosted|introduced|asked|demanded|required|made an analysis|"
    r"analy[sz]ed|believes|mentioned|highlighted|commented|underlined|underscored|insisted|declared|revealed|"
    r"suggested|warned|promised|vowed|pledged|stated)\b",
    re.I,
)
_EN_SPEECH_BEFORE = re.compile(r"(?:\bsaid|\bsays|\baccording to|\bquoted|\btold by)\s*$", re.I)
# bylines: the keyword on the lower-cased text, the names after it on the original
_EN_CREDIT_KEY = re.compile(
    r"(?:reporters?|correspondents?|editors?|photographers?|photo(?:graph)?s?(?: by)?|writers?|written by|"
    r"edited by|authors?|interns?|compiled by|translated by|by)\b"
)
_EN_CREDIT_NAMES = re.compile(r"\s*[:/|]?\s*((?:[A-Z][a-z]+[ \t,/&]*(?:and\s+)?){1,8})")
_EN_CREDIT_AFTER = re.compile(r"([A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2}),?\s+(?:staff\s+)?(?:reporter|correspondent|editor|photographer)\b")
# "Li Hua, party secretary of ...": a name of two or three capitalised words and a comma
_EN_NAME_COMMA = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]+)?(?: [A-Z][a-z]+(?:[-'’][A-Za-z][a-z]+)?){1,2}(?=, )")


@dataclass
class Mention:
    name: str
    name_start: int
    name_end: int
    title: str | None
    organization: str | None
    start: int  # where the title (or the name) begins
    end: int  # end of the name, or of an English appositive title
    zh: bool
    header: bool = False


@dataclass
class FoundSpeaker:
    draft: SpeakerDraft
    positions: list[int]  # every place the name is written (set_by for goals uses them)


def find_speakers(view: View) -> list[FoundSpeaker]:
    credited = _credited(view)
    mentions = [m for m in [*_zh_mentions(view), *_en_mentions(view)] if not _is_credit(m.name, credited)]
    mentions.sort(key=lambda m: m.name_start)
    if not mentions:
        return []
    starts = sorted({m.start for m in mentions})
    speaking: dict[str, Mention] = {}
    for m in mentions:
        if m.name not in speaking and (m.header or _colon_after(view, m.end) or _speaks(view, m.name_end if m.zh else m.end, m.start, m.zh, starts)):
            speaking[m.name] = m
    # a name introduced with a title may speak later on its own (“……”欧阳南江表示; Liang Weidong said)
    positions = _occurrences(view, {m.name for m in mentions})
    for name, occ in positions.items():
        if name in speaking:
            continue
        first = next(m for m in mentions if m.name == name)
        for a, b in occ:
            if _speaks(view, b, a, first.zh, starts):
                speaking[name] = first
                break
    out: list[FoundSpeaker] = []
    for m in sorted(speaking.values(), key=lambda m: m.name_start):
        if is_blank(m.name):  # "None" as a name would fail the draft's validation
            continue
        titled = [x for x in mentions if x.name == m.name and x.title]
        best = max(titled, key=lambda x: len(x.title or ""), default=m)
        quote = _quote(view, m)
        out.append(
            FoundSpeaker(
                SpeakerDraft(name=m.name, title=best.title, organization=best.organization, quote=quote),
                [a for a, _ in positions.get(m.name, [])] or [m.name_start],
            )
        )
    return out


# --------------------------------------------------------------------------- Chinese


def _zh_mentions(view: View) -> list[Mention]:
    f = view.folded
    out: list[Mention] = []
    if not re.search(f"[{HAN}]", f):
        return out
    for t in _ZH_TITLE_RE.finditer(f):
        if t.group(0) == "总书记" or f.startswith("总书记", t.start() - 1):
            continue
        at = t.end()
        while at < len(f) and f[at] in " \u3000" and at - t.end() < 2:  # 市长 林海涛
            at += 1
        end = zh_name_after(f, at)
        if end is not None:
            start = _zh_title_start(f, t.start())
            title = view.text[start : t.end()]
            org = _zh_org(view, start, t)
            line = view.line_at(t.start())
            rest = f[end : line.end].strip()
            header = f[line.start : start].strip() == "" and rest in ("", ":", "：")
            out.append(Mention(view.text[at:end], at, end, title, org, start, end, True, header))
            continue
        if t.group(0) in _ZH_TITLES_AFTER_NAME:
            start = zh_name_before(f, t.start())
            if start is not None and not _is_title_text(f[start : t.start()]):
                out.append(Mention(view.text[start : t.start()], start, t.start(), view.text[t.start() : t.end()],
                                   None, start, t.end(), True))
    return out


def _is_title_text(s: str) -> bool:
    return bool(_ZH_TITLE_RE.search(s))


def _zh_title_start(f: str, pos: int) -> int:
    """Start of the organisation + title run ending at the title word at ``pos``."""
    start = pos
    while start > 0 and pos - start < 30 and _ZH_ORG_CHAR.match(f[start - 1]):
        start -= 1
    prefix = f[start:pos]
    cut = 0
    for w in _ZH_ORG_STOP:
        i = prefix.rfind(w)
        if i >= 0:
            cut = max(cut, i + len(w))
    start += cut
    while start < pos and f[start] in "、()（）·":
        start += 1
    return start


def _zh_org(view: View, start: int, title: re.Match[str]) -> str | None:
    """The organisation is what precedes the first title word of the run (东莞市委 of 东莞市委书记)."""
    first = _ZH_TITLE_RE.search(view.folded, start, title.end())
    org = view.text[start : first.start()].strip("、") if first else ""
    org = re.sub(r"^(?:全国|省|市)?人大代表、?", "", org)
    return org if len(org) >= 2 else None


# --------------------------------------------------------------------------- English


def _en_mentions(view: View) -> list[Mention]:
    t = view.text
    out: list[Mention] = []
    if not re.search(r"[A-Za-z]{3}", t):
        return out
    # Title Name: "District Party Secretary Lao Maochang", "Mayor Li Hua"
    low = view.lower
    for m in _EN_TITLE_THEN_NAME.finditer(low):
        if m.start() and "a" <= low[m.start() - 1] <= "z" or not t[m.end() : m.end() + 1].isupper():
            continue
        end = en_name_at(t, m.end())
        if end is None:
            continue
        start = _en_title_start(t, m.start())
        title = t[start : m.end()].strip()
        if title.lower().startswith(_EXCLUDED_TITLES) or "general secretary" in title.lower():
            continue
        out.append(Mention(t[m.end() : end], m.end(), end, title, _en_org(title), start, end, False))
    # Name, title: "Li Hua, party secretary of Haidian District, said"
    for m in _EN_NAME_COMMA.finditer(t):
        pos = m.start()
        if pos and (t[pos - 1].isalnum() or t[pos - 1] in "’'"):
            continue
        end = en_name_at(t, pos)
        if end is None or end != m.end():
            continue
        phrase_end = _en_phrase_end(t, end + 2)
        phrase = t[end + 2 : phrase_end].strip()
        head = " ".join(phrase.split()[:6])
        if not phrase or not _EN_TITLE_IN_PHRASE.search(head) or "general secretary" in phrase.lower():
            continue
        out.append(Mention(t[pos:end], pos, end, phrase, _en_org(phrase), pos, phrase_end, False))
    return out


def _en_title_start(t: str, pos: int) -> int:
    """Walk left over capitalised words and linking words (of, the, and) of the title phrase."""
    start = pos
    for w in reversed(list(re.finditer(r"[A-Za-z’'\-]+", t[max(0, pos - 120) : pos]))):
        gap = t[max(0, pos - 120) + w.end() : start]
        if gap.strip():
            break
        word = w.group(0)
        if not (word[0].isupper() or word.lower() in _EN_TITLE_LINK or _EN_TITLE_IN_PHRASE.fullmatch(word)):
            break
        start = max(0, pos - 120) + w.start()
    # a title never starts with a linking word
    while True:
        m = re.match(r"(?:of|the|and|for|&)\s+", t[start:pos], re.I)
        if not m or m.end() == 0:
            break
        start += m.end()
    return start


def _en_phrase_end(t: str, pos: int) -> int:
    m = _EN_PHRASE_STOP.search(t, pos, min(len(t), pos + 160))
    return m.start() if m else min(len(t), pos + 160)


def _en_org(title: str) -> str | None:
    """"party secretary of Haidian District" -> Haidian District; "Dongguan City Party Committee
    Secretary" -> Dongguan City Party Committee (the words before the last title word)."""
    m = re.search(r"\bof\s+(?:the\s+)?(.+)$", title)
    if m:
        return m.group(1).strip()
    words = [w for w in _EN_TITLE_IN_PHRASE.finditer(title)]
    org = title[: words[-1].start()].strip(" ,") if words else ""
    return org if len(org.split()) >= 2 else None


# --------------------------------------------------------------------------- shared


def _colon_after(view: View, end: int) -> bool:
    """李明书记：…, Mayor Li Hua: … — the mention introduces what the person says."""
    return view.folded[end : end + 1] in (":", "：")


def _speaks(view: View, after: int, before: int, zh: bool, starts: list[int]) -> bool:
    """A speech verb follows the name in its clause (zh) or sentence (en), before the next titled
    person; or "said"/"according to" stands just before the mention."""
    if zh:
        clause = view.clause_at(max(0, after - 1))
        hi = clause.end if clause else after
        if view.folded[after : after + 1] in (":", "："):
            return True
    else:
        sentence = view.sentence_at(max(0, after - 1))
        hi = sentence.end if sentence else after
        if _EN_SPEECH_BEFORE.search(view.text, max(0, before - 20), before):
            return True
    nxt = next((s for s in starts if s >= after), None)
    if nxt is not None:
        hi = min(hi, nxt)
    pat = _ZH_SPEECH if zh else _EN_SPEECH
    return bool(pat.search(view.folded, after, hi))


def _occurrences(view: View, names: set[str]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {n: [] for n in names}
    if not names:
        return out
    folded_names = {fold(n): n for n in names}
    pat = re.compile("|".join(re.escape(n) for n in sorted(folded_names, key=len, reverse=True)))
    for m in pat.finditer(view.folded):
        out[folded_names[m.group(0)]].append((m.start(), m.end()))
    return out


def _quote(view: View, m: Mention) -> str:
    """The titled mention and the rest of its clause (at most ~100 characters)."""
    if m.zh:
        clause = view.clause_at(max(0, m.name_end - 1))
        end = clause.end if clause else m.end
    else:
        sentence = view.sentence_at(max(0, m.end - 1))
        end = sentence.end if sentence else m.end
    end = max(m.end, min(end, m.start + 100))
    return view.quote(m.start, end) or view.text[m.name_start : m.name_end]


def _credited(view: View) -> list[str]:
    """Runs of names written in a byline (记者 张三 李四, Reporter/Deng Shaojun Luo Pei, 王芳 摄)."""
    runs = [g.group(1) for g in _ZH_CREDIT.finditer(view.folded)]
    runs += [g.group(1) for g in _ZH_CREDIT_AFTER.finditer(view.folded)]
    low = view.lower
    for k in _EN_CREDIT_KEY.finditer(low):
        before = low[k.start() - 1] if k.start() else "\n"
        if "a" <= before <= "z" or (k.group(0) == "by" and before not in "\n("):
            continue  # a word start; a bare "by" only opens a byline at a line start or "(By"
        names = _EN_CREDIT_NAMES.match(view.text, k.end())
        if names:
            runs.append(names.group(1))
    runs += [g.group(1) for g in _EN_CREDIT_AFTER.finditer(view.text)]
    return runs


def _is_credit(name: str, credited: list[str]) -> bool:
    folded = fold(name)
    return any(folded in run or name in run for run in credited)
