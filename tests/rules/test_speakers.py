"""Speaker rules: officials named with a title who speak; never bylines, attendees or cited leaders."""

from __future__ import annotations

import pytest

from summarizer.rules import extract


def speakers(text: str, language: str = "zh-Hans") -> dict[str, tuple[str | None, str | None]]:
    return {s.name: (s.title, s.organization) for s in extract(text, language=language).speakers}


# (language, text, name, title, organization)
POSITIVE = [
    ("zh-Hans", "会上，区委书记张三指出，要加快发展。", "张三", "区委书记", "区委"),
    ("zh-Hans", "湖东区委书记张三在会上强调，今年要稳字当头。", "张三", "湖东区委书记", "湖东区委"),
    ("zh-Hans", "东莞市发展和改革局局长叶惠明:\n\n市发展改革局将充分发挥统筹职能。", "叶惠明", "东莞市发展和改革局局长", "东莞市发展和改革局"),
    ("zh-Hans", "张三书记表示，要扎实推进各项工作。", "张三", "书记", None),
    ("zh-Hans", "松山湖党工委副书记、管委会主任欧阳南江日前接受专访时表示，要提升创新能级。", "欧阳南江", "松山湖党工委副书记、管委会主任", "松山湖党工委"),
    ("zh-Hans", "市委书记王强主持会议并讲话。", "王强", "市委书记", "市委"),
    ("zh-Hant", "市委書記韋皓主持會議并講話，要求狠抓落實。", "韋皓", "市委書記", "市委"),
    ("zh-Hant", "會上，區長李明輝表示，將加快建設。", "李明輝", "區長", None),
    ("en", "Mayor Li Hua said the city would build more schools.", "Li Hua", "Mayor", None),
    ("en", "District Party Secretary Lao Maochang attended the meeting and delivered a speech.", "Lao Maochang", "District Party Secretary", "District Party"),
    ("en", '"We will keep going," said Li Hua, party secretary of Haidian District.', "Li Hua", "party secretary of Haidian District", "Haidian District"),
    ("en", "Zhang Wei, director of the city's commerce bureau, said exports would grow.", "Zhang Wei", "director of the city's commerce bureau", "city's commerce bureau"),
]


@pytest.mark.parametrize("language, text, name, title, organization", POSITIVE)
def test_titled_official_who_speaks_is_a_speaker(language, text, name, title, organization):
    found = speakers(text, language)
    assert name in found, found
    assert found[name] == (title, organization)


NEGATIVE = [
    # bylines: reporters, editors, photographers, correspondents
    ("zh-Hans", "本报记者 张三 李四\n区委书记王五表示，要加快发展。\n责任编辑：赵六 摄影：钱七", {"张三", "李四", "赵六", "钱七"}),
    ("zh-Hant", "記者 陳大文 報道\n市長林鄭表示，將加快建設。", {"陳大文"}),
    ("en", "Jiangmen Daily News (Reporter/Deng Shaojun Luo Pei) Mayor Ma Pingao said the plan works.", {"Deng Shaojun", "Luo Pei"}),
    ("en", "By Chen Ming, China Daily correspondent\nMayor Li Hua said growth would pick up.\nEditor: Wang Fang", {"Chen Ming", "Wang Fang"}),
    ("en", "Photographer Zhao Lei took the pictures. Director Sun Yu said the park opens in May.", {"Zhao Lei"}),
    # attending is not speaking
    ("zh-Hans", "市委书记王强主持会议并讲话，市委副书记、市长李明，市政协主席赵刚等出席会议。", {"李明", "赵刚"}),
    ("en", "Li Dacheng, Secretary of the Party Leadership Group, and He Teng, Chairman of the District CPPCC attended the meeting.", {"Li Dacheng", "He Teng"}),
    # a national leader cited is not a speaker of a local article
    ("zh-Hans", "会议深入学习习近平总书记关于发展的重要论述。", {"习近平"}),
    ("en", "General Secretary Xi Jinping pointed out that reform matters.", {"Xi Jinping"}),
    # a title with no name after it, and a name with no title
    ("zh-Hans", "市委书记表示要加快发展。张三说今天天气很好。", {"张三"}),
]


@pytest.mark.parametrize("language, text, excluded", NEGATIVE)
def test_never_a_speaker(language, text, excluded):
    found = speakers(text, language)
    assert not excluded & set(found), found


def test_a_byline_name_is_excluded_even_with_a_title_elsewhere():
    text = "记者 张伟 报道\n区长张伟表示，要加快发展。"
    assert "张伟" not in speakers(text)


def test_a_name_introduced_with_a_title_speaks_later():
    text = "出席会议的有区长刘洋。\n“我们要加快发展。”刘洋表示。"
    assert "刘洋" in speakers(text)


def test_speaker_quote_holds_the_name_and_is_verbatim():
    text = "湖东区委书记张三在会上强调，今年要稳字当头。"
    (s,) = extract(text, language="zh-Hans").speakers
    assert s.name in s.quote and s.quote in text
