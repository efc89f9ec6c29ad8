"""The scoring functions against the standards' tables (domain-standards.md §1). No database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiyang.assessments import scoring
from yiyang.assessments.scoring import (
    GB_ITEMS,
    MZT_ITEMS,
    ChangeFacts,
    ScoringConfig,
    ScoringError,
    gb_preliminary_level,
    mzt_adl_grade,
    mzt_mental_grade,
    mzt_perception_grade,
    mzt_preliminary_level,
    mzt_social_grade,
    score_gb42195,
    score_mzt039,
)

NONE = ChangeFacts()

# -- the item table (Annex B) ---------------------------------------------------------------------------

ITEM_MAXIMA = [
    ("B.1.1", "进食", 4),
    ("B.1.2", "修饰", 4),
    ("B.1.3", "洗澡", 4),
    ("B.1.4", "穿/脱上衣", 4),
    ("B.1.5", "穿/脱裤子和鞋袜", 4),
    ("B.1.6", "小便控制", 4),
    ("B.1.7", "大便控制", 4),
    ("B.1.8", "如厕", 4),
    ("B.2.1", "床上体位转移", 4),
    ("B.2.2", "床椅转移", 4),
    ("B.2.3", "平地行走", 4),
    ("B.2.4", "上下楼梯", 3),
    ("B.3.1", "时间定向", 4),
    ("B.3.2", "空间定向", 4),
    ("B.3.3", "人物定向", 4),
    ("B.3.4", "记忆", 4),
    ("B.3.5", "理解能力", 4),
    ("B.3.6", "表达能力", 4),
    ("B.3.7", "攻击行为", 1),
    ("B.3.8", "抑郁症状", 1),
    ("B.3.9", "意识水平", 2),
    ("B.4.1", "视力", 2),
    ("B.4.2", "听力", 2),
    ("B.4.3", "执行日常事务", 4),
    ("B.4.4", "使用交通工具外出", 3),
    ("B.4.5", "社会交往能力", 4),
]


def test_there_are_26_items_in_order() -> None:
    assert [i.code for i in GB_ITEMS] == [code for code, _, _ in ITEM_MAXIMA]


@pytest.mark.parametrize(("code", "name", "maximum"), ITEM_MAXIMA)
def test_item_range(code: str, name: str, maximum: int) -> None:
    item = scoring.GB_ITEM_BY_CODE[code]
    assert item.name.startswith(name)
    assert item.scores == frozenset(range(maximum + 1))
    assert all(text for _, text in item.options)


@pytest.mark.parametrize(
    ("group", "name", "maximum"),
    [
        ("B.1", "自理能力", 32),
        ("B.2", "基础运动能力", 15),
        ("B.3", "精神状态", 28),
        ("B.4", "感知觉与社会参与", 15),
    ],
)
def test_subtotal_maxima(group: str, name: str, maximum: int) -> None:
    g = next(g for g in scoring.GB_GROUPS if g.code == group)
    assert g.name == name and g.max_score == maximum
    assert sum(i.max_score for i in GB_ITEMS if i.group == group) == maximum


def test_anchor_texts_quoted_in_the_reference() -> None:
    opts = {i.code: dict(i.options) for i in GB_ITEMS}
    assert opts["B.1.1"][0].startswith("完全依赖他人协助进食")
    assert "偶尔（每月一次及以上）" in opts["B.1.1"][2]
    assert "经常（每周一次及以上）" in opts["B.1.1"][1]
    assert (
        opts["B.1.2"][4] == "独立完成，不需要协助" and opts["B.1.2"][0] == "完全依赖他人协助，且不能给予配合"
    )
    assert opts["B.1.6"][0] == "小便失禁、完全不能控制，或留置导尿管"
    assert opts["B.2.3"][4] == "独立平地行走50m左右，无摔倒风险" and opts["B.2.3"][0] == "完全不能步行"
    assert "连续10–15个台阶" in opts["B.2.4"][3]
    assert opts["B.3.7"] == {1: "未出现", 0: "近一个月内出现过攻击行为"}
    assert opts["B.3.9"] == {2: "神志清醒", 1: "嗜睡或意识模糊", 0: "昏睡或昏迷"}


def test_level_names_are_exact() -> None:
    assert scoring.LEVEL_NAMES == {
        0: "能力完好",
        1: "能力轻度受损（轻度失能）",
        2: "能力中度受损（中度失能）",
        3: "能力重度受损（重度失能）",
        4: "能力完全丧失（完全失能）",
    }


# -- answers with a given total -----------------------------------------------------------------------


def full() -> dict[str, int]:
    return {i.code: i.max_score for i in GB_ITEMS}


def with_total(total: int) -> dict[str, int]:
    """Take points away item by item, in table order, until the total is reached."""
    answers, deficit = full(), 90 - total
    for item in GB_ITEMS:
        take = min(deficit, item.max_score)
        answers[item.code] -= take
        deficit -= take
    assert sum(answers.values()) == total
    return answers


# -- C.3: total → preliminary level, at every boundary -----------------------------------------------

BOUNDARIES = [(90, 0), (89, 1), (66, 1), (65, 2), (46, 2), (45, 3), (30, 3), (29, 4), (0, 4)]


@pytest.mark.parametrize(("total", "level"), BOUNDARIES)
def test_level_boundaries(total: int, level: int) -> None:
    assert gb_preliminary_level(total) == level
    result = score_gb42195(with_total(total), NONE)
    assert (result.total, result.preliminary_level, result.final_level, result.changes) == (
        total,
        level,
        level,
        (),
    )


def test_subtotals_of_full_and_empty_answers() -> None:
    assert score_gb42195(full(), NONE).subtotals == {"B.1": 32, "B.2": 15, "B.3": 28, "B.4": 15}
    zero = score_gb42195(dict.fromkeys(full(), 0), NONE)
    assert zero.subtotals == {"B.1": 0, "B.2": 0, "B.3": 0, "B.4": 0} and zero.total == 0


@pytest.mark.parametrize("total", [-1, 91])
def test_impossible_total(total: int) -> None:
    with pytest.raises(ScoringError):
        gb_preliminary_level(total)


# -- C.4 change rules under each configuration --------------------------------------------------------

DEFAULT = ScoringConfig()
ONCE = ScoringConfig(raises_add_up=False)
COMA3 = ScoringConfig(coma_level=3)
SAME_TYPE = ScoringConfig(risk_counting="same_type")

DEMENTIA = ChangeFacts(dementia=True)
MENTAL = ChangeFacts(mental_disorder=True)
TWO_FALLS = ChangeFacts(risk_events={"fall": 2})
FALL_AND_CHOKE = ChangeFacts(risk_events={"fall": 1, "choking": 1})
ONE_FALL = ChangeFacts(risk_events={"fall": 1})
BOTH = ChangeFacts(dementia=True, risk_events={"fall": 1, "wandering": 1})
COMA = ChangeFacts(coma=True)
COMA_AND_MORE = ChangeFacts(coma=True, dementia=True, risk_events={"fall": 3})

CHANGE_CASES = [
    # (total, facts, config, preliminary, final, rules that changed the level)
    (90, COMA, DEFAULT, 0, 4, ["coma"]),
    (70, COMA, DEFAULT, 1, 4, ["coma"]),
    (70, COMA, COMA3, 1, 3, ["coma"]),
    (10, COMA, COMA3, 4, 4, []),  # coma never makes a level milder
    (70, COMA_AND_MORE, DEFAULT, 1, 4, ["coma"]),  # 直接评定: no further raises
    (50, COMA_AND_MORE, COMA3, 2, 3, ["coma"]),
    (70, DEMENTIA, DEFAULT, 1, 2, ["diagnosis"]),
    (70, MENTAL, DEFAULT, 1, 2, ["diagnosis"]),
    (90, DEMENTIA, DEFAULT, 0, 1, ["diagnosis"]),
    (20, DEMENTIA, DEFAULT, 4, 4, []),  # already at the top
    (70, ChangeFacts(dementia=True, mental_disorder=True), DEFAULT, 1, 2, ["diagnosis"]),  # one rule
    (70, TWO_FALLS, DEFAULT, 1, 2, ["risk_events"]),
    (70, FALL_AND_CHOKE, DEFAULT, 1, 2, ["risk_events"]),  # total across types (default)
    (70, FALL_AND_CHOKE, SAME_TYPE, 1, 1, []),
    (70, TWO_FALLS, SAME_TYPE, 1, 2, ["risk_events"]),
    (70, ONE_FALL, DEFAULT, 1, 1, []),
    (70, BOTH, DEFAULT, 1, 3, ["diagnosis", "risk_events"]),  # +1 per rule
    (70, BOTH, ONCE, 1, 2, ["diagnosis"]),  # once in total
    (40, BOTH, DEFAULT, 3, 4, ["diagnosis"]),  # capped at 4
    (50, BOTH, DEFAULT, 2, 4, ["diagnosis", "risk_events"]),
    (50, BOTH, ONCE, 2, 3, ["diagnosis"]),
    (90, BOTH, DEFAULT, 0, 2, ["diagnosis", "risk_events"]),
    (90, ChangeFacts(dementia=True, risk_events={"fall": 1, "choking": 1}), SAME_TYPE, 0, 1, ["diagnosis"]),
]


@pytest.mark.parametrize(("total", "facts", "config", "preliminary", "final", "rules"), CHANGE_CASES)
def test_change_rules(
    total: int, facts: ChangeFacts, config: ScoringConfig, preliminary: int, final: int, rules: list[str]
) -> None:
    result = score_gb42195(with_total(total), facts, config)
    assert result.preliminary_level == preliminary
    assert result.final_level == final
    assert [c.rule for c in result.changes if c.to_level != c.from_level] == rules


def test_capped_and_not_added_rules_are_still_reported() -> None:
    result = score_gb42195(with_total(40), BOTH, DEFAULT)
    assert [(c.rule, c.note) for c in result.changes] == [("diagnosis", ""), ("risk_events", "已是最高等级")]
    once = score_gb42195(with_total(70), BOTH, ONCE)
    assert once.changes[1].note == "与上一条规则不叠加"


# -- validation -----------------------------------------------------------------------------------------


def test_missing_item_is_named_in_chinese() -> None:
    answers = full()
    del answers["B.2.4"]
    with pytest.raises(ScoringError) as exc:
        score_gb42195(answers, NONE)
    assert exc.value.errors == {"B.2.4": "缺少评估项目 B.2.4 上下楼梯"}


@pytest.mark.parametrize(
    ("code", "value"), [("B.2.4", 4), ("B.3.7", 2), ("B.1.1", -1), ("B.3.9", 3), ("B.4.1", True)]
)
def test_out_of_range_score(code: str, value: int) -> None:
    answers = full()
    answers[code] = value
    with pytest.raises(ScoringError) as exc:
        score_gb42195(answers, NONE)
    assert code in exc.value.errors[code] and "得分应为" in exc.value.errors[code]


def test_unknown_item_and_bad_risk_count() -> None:
    with pytest.raises(ScoringError) as exc:
        score_gb42195({**full(), "B.9.9": 1}, ChangeFacts(risk_events={"fall": 5, "flood": 1}))
    assert set(exc.value.errors) == {"B.9.9", "risk_fall", "risk_flood"}


def test_draft_validation_allows_missing_items() -> None:
    assert scoring.validate_answers({"B.1.1": 4}, GB_ITEMS, complete=False) == {}
    assert "B.1.1" in scoring.validate_answers({"B.1.1": 5}, GB_ITEMS, complete=False)


# -- properties -------------------------------------------------------------------------------------------

answers_strategy = st.fixed_dictionaries({i.code: st.sampled_from(sorted(i.scores)) for i in GB_ITEMS})


@given(answers_strategy)
def test_total_is_the_sum_of_subtotals(answers: dict[str, int]) -> None:
    result = score_gb42195(answers, NONE)
    assert result.total == sum(result.subtotals.values()) == sum(answers.values())
    assert all(0 <= result.subtotals[g.code] <= g.max_score for g in scoring.GB_GROUPS)


@given(st.integers(0, 90), st.integers(0, 90))
def test_level_is_monotone_in_total(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert gb_preliminary_level(low) >= gb_preliminary_level(high)


@given(
    answers_strategy,
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 3),
    st.integers(0, 3),
    st.sampled_from([DEFAULT, ONCE, COMA3, SAME_TYPE]),
)
def test_change_rules_never_improve_the_level(
    answers: dict[str, int],
    coma: bool,
    dementia: bool,
    mental: bool,
    falls: int,
    choking: int,
    config: ScoringConfig,
) -> None:
    facts = ChangeFacts(coma, dementia, mental, {"fall": falls, "choking": choking})
    result = score_gb42195(answers, facts, config)
    assert result.preliminary_level <= result.final_level <= 4


# -- MZ/T 039-2013 ----------------------------------------------------------------------------------------


def test_mzt_has_22_items_and_barthel_sums_to_100() -> None:
    assert len(MZT_ITEMS) == 22
    assert sum(i.max_score for i in MZT_ITEMS if i.group == "B.1") == 100


@pytest.mark.parametrize(("total", "grade"), [(100, 0), (95, 1), (65, 1), (60, 2), (45, 2), (40, 3), (0, 3)])
def test_adl_grade(total: int, grade: int) -> None:
    assert mzt_adl_grade(total) == grade


@pytest.mark.parametrize(("total", "grade"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (6, 3)])
def test_mental_grade(total: int, grade: int) -> None:
    assert mzt_mental_grade(total) == grade


@pytest.mark.parametrize(
    ("total", "grade"), [(0, 0), (2, 0), (3, 1), (7, 1), (8, 2), (13, 2), (14, 3), (20, 3)]
)
def test_social_grade(total: int, grade: int) -> None:
    assert mzt_social_grade(total) == grade


PERCEPTION = [
    # (意识, 视力, 听力, 沟通, grade)
    (0, 0, 1, 0, 0),
    (0, 2, 0, 0, 1),
    (0, 0, 0, 1, 1),
    (0, 3, 1, 0, 2),
    (0, 0, 0, 2, 2),
    (1, 3, 3, 2, 2),  # 嗜睡, 视/听 ≤ 3, 沟通 ≤ 2
    (1, 0, 0, 0, 2),
    (0, 4, 0, 0, 3),
    (1, 0, 4, 0, 3),
    (0, 0, 0, 3, 3),
    (2, 0, 0, 0, 3),  # 昏睡
    (3, 0, 0, 0, 3),  # 昏迷
]


@pytest.mark.parametrize(("c", "v", "h", "m", "grade"), PERCEPTION)
def test_perception_grade(c: int, v: int, h: int, m: int, grade: int) -> None:
    assert mzt_perception_grade(c, v, h, m) == grade


MATRIX = [
    # (ADL, 精神, 感知, 社会, level) — one or more rows per line of the matrix
    (0, 0, 0, 0, 0),
    (0, 0, 0, 1, 0),
    (0, 1, 0, 0, 1),
    (0, 0, 1, 1, 1),
    (0, 0, 0, 2, 1),
    (1, 0, 2, 2, 1),
    (1, 1, 1, 1, 1),
    (1, 2, 2, 2, 2),
    (1, 3, 0, 0, 2),
    (1, 0, 0, 3, 2),
    (2, 1, 0, 0, 2),
    (2, 2, 1, 0, 2),
    (3, 0, 0, 0, 3),
    (2, 2, 2, 2, 3),
    (2, 0, 3, 0, 3),
    (2, 0, 0, 0, 2),  # left open by the matrix: ADL row decides
]


@pytest.mark.parametrize(("adl", "mental", "perception", "social", "level"), MATRIX)
def test_mzt_matrix(adl: int, mental: int, perception: int, social: int, level: int) -> None:
    assert mzt_preliminary_level(adl, mental, perception, social) == level


def mzt_answers(**overrides: int) -> dict[str, int]:
    answers = {i.code: (i.max_score if i.group == "B.1" else 0) for i in MZT_ITEMS}
    answers.update({k.replace("_", "."): v for k, v in overrides.items()})
    return answers


def test_mzt_intact() -> None:
    result = score_mzt039(mzt_answers(), NONE)
    assert result.grades == {"B.1": 0, "B.2": 0, "B.3": 0, "B.4": 0}
    assert (result.preliminary_level, result.final_level, result.total) == (0, 0, None)
    assert result.subtotals == {"B.1": 100, "B.2": 0, "B.4": 0}


def test_mzt_change_rules() -> None:
    mild = mzt_answers(B_1_1=5)  # Barthel 95 → ADL 1, others 0 → level 1
    assert score_mzt039(mild, NONE).final_level == 1
    assert score_mzt039(mild, DEMENTIA).final_level == 2
    assert score_mzt039(mild, TWO_FALLS).final_level == 2
    assert score_mzt039(mild, BOTH).final_level == 3
    assert score_mzt039(mild, BOTH, ONCE).final_level == 2
    coma = score_mzt039(mild, COMA)
    assert (coma.final_level, coma.changes[0].rule) == (3, "coma")  # 重度失能, not 完全失能
    diagnosed = score_mzt039(mzt_answers(B_1_1=5, B_2_1=2), NONE)  # 已确诊认知障碍
    assert diagnosed.grades["B.2"] == 2 and diagnosed.final_level == 2


def test_mzt_preliminary_severe_is_not_raised() -> None:
    severe = mzt_answers(B_1_8=0, B_1_9=0, B_1_10=0, B_1_4=0, B_1_3=0)  # Barthel 55 … make it ≤ 40
    severe["B.1.1"] = 0
    result = score_mzt039(severe, BOTH)
    assert result.grades["B.1"] == 3
    assert (result.preliminary_level, result.final_level, result.changes) == (3, 3, ())


def test_mzt_coma_item_means_severe() -> None:
    result = score_mzt039(mzt_answers(B_3_1=3), NONE)
    assert result.grades["B.3"] == 3 and result.final_level == 3
