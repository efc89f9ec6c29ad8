"""Capability-assessment scoring (老年人能力评估): pure functions (Django only translates the labels).

Two schemes:

* **GB/T 42195-2022** 《老年人能力评估规范》, the current national standard: 26 items in four
  first-level indicators (Annex B), summed to 0–90 (higher = better), a preliminary level from the
  total (Annex C.3) and the level-change rules of Annex C.4 (coma, diagnosed dementia or mental
  disorder, two or more care-risk events in the last 30 days) giving the final level (C.5).
* **MZ/T 039-2013** 《老年人能力评估》, the legacy industry standard kept for old records: four
  dimension grades, a level matrix and its change rules (levels 0–3).

The points the reference leaves open (``domain-standards.md`` §1.1.3 and §9 item 1) are switches in
:class:`ScoringConfig`, which the ``ScoringConfig`` table feeds with effective dates.

Anchor texts: those quoted in the reference are used verbatim; the intermediate steps of the 0–4
self-care and motor items use the standard 5-step scale. Texts for the orientation, memory,
communication, vision, hearing and social items are not in the reference and follow the structure of
the published Annex B as remembered: **[U] proof-read them against an official copy before go-live**.
Scores and ranges are [V2].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core.i18n import stored

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# -- levels ---------------------------------------------------------------------------------------------

#: Annex C.3 level names, exact wording.
LEVEL_NAMES: dict[int, StrOrPromise] = {
    0: _("能力完好"),
    1: _("能力轻度受损（轻度失能）"),
    2: _("能力中度受损（中度失能）"),
    3: _("能力重度受损（重度失能）"),
    4: _("能力完全丧失（完全失能）"),
}
#: Short forms for tables and the timeline.
LEVEL_SHORT: dict[int, StrOrPromise] = {
    0: _("能力完好"),
    1: _("轻度失能"),
    2: _("中度失能"),
    3: _("重度失能"),
    4: _("完全失能"),
}
#: MZ/T 039-2013 level names (0–3).
MZT_LEVEL_NAMES: dict[int, StrOrPromise] = {
    0: _("能力完好"),
    1: _("轻度失能"),
    2: _("中度失能"),
    3: _("重度失能"),
}

#: Annex C.3: (level, lowest total, highest total).
GB_LEVEL_BANDS: tuple[tuple[int, int, int], ...] = (
    (0, 90, 90),
    (1, 66, 89),
    (2, 46, 65),
    (3, 30, 45),
    (4, 0, 29),
)

GB42195 = "gb42195"
MZT039 = "mzt039"

#: Annex A.2.14 近30天内照护风险事件 types; each is recorded as 0, 1, 2 or 3 (= 3次及以上).
RISK_EVENT_TYPES: dict[str, StrOrPromise] = {
    "fall": _("跌倒"),
    "wandering": _("走失"),
    "choking": _("噎食"),
    "self_harm": _("自杀自伤"),
    "other": _("其他"),
}
RISK_EVENT_MAX = 3  # "3次及以上"

STANDARD_SCALE: dict[int, StrOrPromise] = {
    4: _("独立完成，不需要协助"),
    3: _("在他人指导或提示下完成"),
    2: _("需要他人协助，但以自身完成为主"),
    1: _("主要依靠他人协助，自身能给予配合"),
    0: _("完全依赖他人协助，且不能给予配合"),
}


@dataclass(frozen=True)
class Item:
    """One second-level indicator (二级指标) and its answer options, best first."""

    code: str
    group: str  # first-level indicator code, e.g. "B.1"
    name: StrOrPromise
    options: tuple[tuple[int, StrOrPromise], ...]  # (score, anchor text)

    @property
    def max_score(self) -> int:
        return max(score for score, _text in self.options)

    @property
    def scores(self) -> frozenset[int]:
        return frozenset(score for score, _text in self.options)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Group:
    code: str
    name: StrOrPromise
    max_score: int


def _scale(**overrides: StrOrPromise) -> tuple[tuple[int, StrOrPromise], ...]:
    texts = dict(STANDARD_SCALE)
    texts.update({int(k[1:]): v for k, v in overrides.items()})
    return tuple((s, texts[s]) for s in (4, 3, 2, 1, 0))


def _opts(*texts: StrOrPromise) -> tuple[tuple[int, StrOrPromise], ...]:
    """Options from the best score down to 0: ``_opts("清醒", "嗜睡", "昏迷")`` is 2/1/0."""
    top = len(texts) - 1
    return tuple((top - i, text) for i, text in enumerate(texts))


GB_GROUPS: tuple[Group, ...] = (
    Group("B.1", _("自理能力"), 32),
    Group("B.2", _("基础运动能力"), 15),
    Group("B.3", _("精神状态"), 28),
    Group("B.4", _("感知觉与社会参与"), 15),
)
GB_MAX_TOTAL = 90

GB_ITEMS: tuple[Item, ...] = (
    Item(
        "B.1.1",
        "B.1",
        _("进食"),
        _scale(
            s4=_("独立使用器具进食，没有呛咳"),
            s3=_("在他人指导或提示下完成，或独立使用辅具，没有呛咳"),
            s2=_("进食中需要少量协助，或偶尔（每月一次及以上）呛咳"),
            s1=_("进食中需要大量协助，或经常（每周一次及以上）呛咳"),
            s0=_("完全依赖他人协助进食，或吞咽困难，或留置营养管"),
        ),
    ),
    Item("B.1.2", "B.1", _("修饰（洗脸、刷牙、梳头、刮脸、剪指(趾)甲）"), _scale()),
    Item("B.1.3", "B.1", _("洗澡"), _scale()),
    Item("B.1.4", "B.1", _("穿/脱上衣"), _scale()),
    Item("B.1.5", "B.1", _("穿/脱裤子和鞋袜"), _scale()),
    Item(
        "B.1.6",
        "B.1",
        _("小便控制"),
        _scale(
            s4=_("可自行控制排尿，排尿次数、排尿控制均正常"),
            s3=_("白天可自行控制排尿，夜间排尿控制较差，或自行使用尿布、尿垫等辅助用物"),
            s2=_("白天大部分时间可自行控制排尿，偶有尿失禁，或需他人少量协助使用尿布、尿垫"),
            s1=_("白天大部分时间不能控制排尿，夜间尿失禁，或需他人大量协助使用尿布、尿垫"),
            s0=_("小便失禁、完全不能控制，或留置导尿管"),
        ),
    ),
    Item(
        "B.1.7",
        "B.1",
        _("大便控制"),
        _scale(
            s4=_("可正常自行控制大便排出"),
            s3=_("有时出现便秘或大便失禁（每月一次及以上），或自行使用开塞露、尿垫等辅助用物"),
            s2=_("经常出现便秘或大便失禁（每周一次及以上），或需他人少量协助使用开塞露、尿垫等"),
            s1=_("大部分时间便秘或大便失禁，或需他人大量协助使用开塞露、尿垫等"),
            s0=_("严重便秘或完全大便失禁，需依赖他人协助排便或清洁皮肤"),
        ),
    ),
    Item("B.1.8", "B.1", _("如厕"), _scale()),
    Item("B.2.1", "B.2", _("床上体位转移"), _scale()),
    Item("B.2.2", "B.2", _("床椅转移"), _scale()),
    Item(
        "B.2.3",
        "B.2",
        _("平地行走"),
        _scale(
            s4=_("独立平地行走50m左右，无摔倒风险"),
            s3=_("能平地行走50m左右，存在摔倒风险，需他人监护或指导，或使用拐杖、助行器等辅具"),
            s2=_("在步行时需要他人少量扶持协助"),
            s1=_("在步行时需要他人大量扶持协助"),
            s0=_("完全不能步行"),
        ),
    ),
    Item(
        "B.2.4",
        "B.2",
        _("上下楼梯"),
        _opts(
            _("可独立上下楼梯（连续10–15个台阶），不需要协助"),
            _("在他人指导或提示下完成，或借助扶手、拐杖等辅具"),
            _("需要他人协助，但以自身完成为主"),
            _("主要依靠他人协助，或完全依赖他人协助"),
        ),
    ),
    Item(
        "B.3.1",
        "B.3",
        _("时间定向"),
        _opts(
            _("时间观念（年、月）清楚，日期（或星期几）可相差一天"),
            _("时间观念有些下降，年、月、日（或星期几）不能全部分清（相差两天或以上）"),
            _("时间观念较差，年、月、日不清楚，可知上半年或下半年或季节"),
            _("时间观念很差，年、月、日不清楚，可知上午、下午或白天、夜间"),
            _("无时间观念"),
        ),
    ),
    Item(
        "B.3.2",
        "B.3",
        _("空间定向"),
        _opts(
            _("能在日常生活范围内单独外出，如在日常居住小区内独自外出购物等"),
            _("不能单独外出，但能准确知道自己日常生活所在地的地址信息"),
            _("不能单独外出，但知道较多有关自己日常生活的地址信息"),
            _("不能单独外出，但知道较少自己居住或生活所在地的地址信息"),
            _("不能单独外出，无空间观念"),
        ),
    ),
    Item(
        "B.3.3",
        "B.3",
        _("人物定向"),
        _opts(
            _("认识长期共同一起生活的人，能称呼并知道关系"),
            _("认识大部分共同生活居住的人，能称呼或知道关系"),
            _("认识部分日常同住的亲人或照护者等，能称呼或知道关系等"),
            _("只认识自己或极少数日常同住的亲人或照护者等"),
            _("不认识任何人（包括自己）"),
        ),
    ),
    Item(
        "B.3.4",
        "B.3",
        _("记忆"),
        _opts(
            _("总是能保持与社会、年龄所适应的记忆能力，能完整地回忆"),
            _("即时信息3个词语5分钟后仅能回忆0–1个"),
            _("出现轻度的记忆紊乱或回忆不能（不能回忆即时信息，或近期发生的事情）"),
            _("出现中度的记忆紊乱或回忆不能（不能回忆近期记忆，或远期发生的事情）"),
            _("出现重度的记忆紊乱或回忆不能（不能回忆远期记忆），或完全不能回忆"),
        ),
    ),
    Item(
        "B.3.5",
        "B.3",
        _("理解能力"),
        _opts(
            _("能正常理解他人的话"),
            _("能理解他人的话，但需要增加时间"),
            _("理解有困难，需频繁重复或简化口头表达"),
            _("理解有严重困难，需要大量他人帮助"),
            _("完全不能理解他人的话"),
        ),
    ),
    Item(
        "B.3.6",
        "B.3",
        _("表达能力"),
        _opts(
            _("能正常表达自己的想法"),
            _("能表达自己的需要，但需要增加时间"),
            _("表达需要有困难，需频繁重复或简化口头表达"),
            _("表达有严重困难，需要大量他人帮助"),
            _("完全不能表达需要"),
        ),
    ),
    Item("B.3.7", "B.3", _("攻击行为"), _opts(_("未出现"), _("近一个月内出现过攻击行为"))),
    Item("B.3.8", "B.3", _("抑郁症状"), _opts(_("未出现"), _("近一个月内出现过负性情绪"))),
    Item("B.3.9", "B.3", _("意识水平"), _opts(_("神志清醒"), _("嗜睡或意识模糊"), _("昏睡或昏迷"))),
    Item(
        "B.4.1",
        "B.4",
        _("视力（佩戴常用眼镜后的最佳视力）"),
        _opts(
            _("视力正常"),
            _("能看清楚大字体，但看不清书报上的标准字体；或视力有限，能辨认物体"),
            _("只能看到光、颜色和形状，或完全失明"),
        ),
    ),
    Item(
        "B.4.2",
        "B.4",
        _("听力（可佩戴常用助听器）"),
        _opts(
            _("听力正常"),
            _("正常交流有困难，需在安静环境、大声说话或说话较慢时才能听见"),
            _("讲话者大声说话或说话很慢时才能部分听见，或完全失聪"),
        ),
    ),
    Item("B.4.3", "B.4", _("执行日常事务（洗衣服、小金额购物、服药管理）"), _scale()),
    Item(
        "B.4.4",
        "B.4",
        _("使用交通工具外出"),
        _opts(
            _("能自己骑车或搭乘公共交通工具外出"),
            _("能自己搭乘出租车，但不会搭乘其他公共交通工具外出"),
            _("在他人协助或陪伴下能搭乘公共交通工具外出"),
            _("只能在协助下乘出租车或私家车外出，或完全不能外出"),
        ),
    ),
    Item(
        "B.4.5",
        "B.4",
        _("社会交往能力"),
        _opts(
            _("参与社会，在社会环境有一定的适应能力，待人接物恰当"),
            _("能适应单纯环境，主动接触他人，初见面时难让人发现智力问题，不能理解隐喻语"),
            _("脱离社会，可被动接触，不会主动待人，谈话中很多不适词句，容易上当受骗"),
            _("勉强可与他人接触，谈吐内容不清楚，表情不恰当"),
            _("不能与人交往"),
        ),
    ),
)
GB_ITEM_BY_CODE: dict[str, Item] = {item.code: item for item in GB_ITEMS}


# -- configuration and facts ---------------------------------------------------------------------------

RiskCounting = Literal["total", "same_type"]


@dataclass(frozen=True)
class ScoringConfig:
    """The open points of Annex C.4, as switches (defaults as the reference proposes).

    * ``coma_level``: 4 (C.4: 能力完全丧失) or 3 (the 重度失能 note under B.3.9 / the MZ/T wording).
    * ``raises_add_up``: dementia/mental disorder and risk events each raise one level (capped at 4),
      or both together raise one level only.
    * ``risk_counting``: "total" counts all risk events of the last 30 days together (the plain
      reading); "same_type" needs the threshold within one type.
    """

    coma_level: int = 4
    raises_add_up: bool = True
    risk_counting: RiskCounting = "total"
    risk_threshold: int = 2

    def describe(self) -> list[str]:
        return [
            gettext("昏迷者直接评定为：%(level)s") % {"level": LEVEL_SHORT[self.coma_level]},
            gettext("诊断与风险事件两条规则：各提高一级（最高完全失能）")
            if self.raises_add_up
            else gettext("诊断与风险事件两条规则：合计只提高一级"),
            (
                gettext("照护风险事件计数：各类合计 ≥ %(threshold)s 次")
                if self.risk_counting == "total"
                else gettext("照护风险事件计数：同一类型 ≥ %(threshold)s 次")
            )
            % {"threshold": self.risk_threshold},
        ]


@dataclass(frozen=True)
class ChangeFacts:
    """The Annex A facts that feed C.4: A.5.11 昏迷, A.4.1 疾病诊断, A.2.14 近30天内照护风险事件."""

    coma: bool = False
    dementia: bool = False  # 痴呆 F00–F03
    mental_disorder: bool = False  # 其他精神和行为障碍 F04–F99, 精神科专科医生诊断
    risk_events: Mapping[str, int] = field(default_factory=dict)  # type → 0, 1, 2 or 3 (3次及以上)

    @property
    def risk_event_total(self) -> int:
        return sum(self.risk_events.values())


@dataclass(frozen=True)
class LevelChange:
    """One C.4 rule that applied, with the level before and after it."""

    rule: str  # "coma" | "diagnosis" | "risk_events"
    label: str  # saved with the assessment (level_changes), so in the records' language
    from_level: int
    to_level: int
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "label": self.label,
            "from": self.from_level,
            "to": self.to_level,
            "note": self.note,
        }


@dataclass(frozen=True)
class Result:
    scheme: str
    subtotals: dict[str, int]  # group code → subtotal (MZ/T: dimension raw totals, see grades)
    total: int | None  # MZ/T has no overall total
    preliminary_level: int
    final_level: int
    changes: tuple[LevelChange, ...] = ()
    grades: dict[str, int] = field(default_factory=dict)  # MZ/T dimension grades 0–3

    @property
    def final_level_name(self) -> str:
        return str(level_name(self.scheme, self.final_level))

    @property
    def preliminary_level_name(self) -> str:
        return str(level_name(self.scheme, self.preliminary_level))


class ScoringError(ValueError):
    """Missing or impossible answers; ``errors`` maps an item code (or a fact) to a message in the user's
    language."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()))


def level_name(scheme: str, level: int) -> StrOrPromise:
    return MZT_LEVEL_NAMES[level] if scheme == MZT039 else LEVEL_NAMES[level]


# -- validation -------------------------------------------------------------------------------------------


def validate_answers(
    answers: Mapping[str, object], items: tuple[Item, ...], *, complete: bool = True
) -> dict[str, str]:
    """Errors by item code: unknown codes, scores outside the item's options, and (if ``complete``)
    items not answered. A draft is checked with ``complete=False``."""
    by_code = {item.code: item for item in items}
    errors: dict[str, str] = {}
    for code, value in answers.items():
        item = by_code.get(code)
        if item is None:
            errors[code] = gettext("未知的评估项目 %(code)s") % {"code": code}
        elif value is None:
            continue
        elif isinstance(value, bool) or not isinstance(value, int) or value not in item.scores:
            # Translators: separator between the allowed scores, e.g. "0、1、2".
            allowed = gettext("、").join(str(s) for s in sorted(item.scores))
            errors[code] = gettext("%(item)s 的得分应为 %(allowed)s 之一，收到 %(value)s") % {
                "item": item.label,
                "allowed": allowed,
                "value": repr(value),
            }
    if complete:
        for item in items:
            if answers.get(item.code) is None and item.code not in errors:
                errors[item.code] = gettext("缺少评估项目 %(item)s") % {"item": item.label}
    return errors


def validate_facts(facts: ChangeFacts) -> dict[str, str]:
    errors: dict[str, str] = {}
    for kind, count in facts.risk_events.items():
        label = RISK_EVENT_TYPES.get(kind)
        if label is None:
            errors[f"risk_{kind}"] = gettext("未知的照护风险事件类型 %(kind)s") % {"kind": kind}
        elif isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= RISK_EVENT_MAX:
            errors[f"risk_{kind}"] = gettext(
                "照护风险事件“%(label)s”的次数应为 0–3（3 表示 3 次及以上），收到 %(count)s"
            ) % {"label": label, "count": repr(count)}
    return errors


def _risk_rule_applies(facts: ChangeFacts, config: ScoringConfig) -> bool:
    if config.risk_counting == "same_type":
        return any(count >= config.risk_threshold for count in facts.risk_events.values())
    return facts.risk_event_total >= config.risk_threshold


def _raise_levels(
    level: int, facts: ChangeFacts, config: ScoringConfig, *, diagnosis: bool, top: int
) -> tuple[int, list[LevelChange]]:
    """Apply the two "+1 level" rules in order, capped at ``top``."""
    changes: list[LevelChange] = []
    rules = []
    if diagnosis:
        rules.append(("diagnosis", "确诊痴呆或其他精神和行为障碍疾病，提高一个等级"))
    if _risk_rule_applies(facts, config):
        rules.append(
            ("risk_events", f"近30天内发生过{config.risk_threshold}次及以上照护风险事件，提高一个等级")
        )
    raised = False
    for rule, label in rules:
        before = level
        if raised and not config.raises_add_up:
            changes.append(LevelChange(rule, label, before, before, "与上一条规则不叠加"))
            continue
        if level >= top:
            changes.append(LevelChange(rule, label, before, before, "已是最高等级"))
        else:
            level += 1
            changes.append(LevelChange(rule, label, before, level))
        raised = True
    return level, changes


# -- GB/T 42195-2022 ----------------------------------------------------------------------------------------


def gb_preliminary_level(total: int) -> int:
    """Annex C.3: total score (0–90) → preliminary level 0–4."""
    for level, low, high in GB_LEVEL_BANDS:
        if low <= total <= high:
            return level
    raise ScoringError({"total": gettext("总分应为 0–90，收到 %(total)s") % {"total": total}})


def score_gb42195(
    answers: Mapping[str, int], facts: ChangeFacts, config: ScoringConfig | None = None
) -> Result:
    """Score a complete GB/T 42195 assessment: subtotals, total, preliminary and final level."""
    config = config or ScoringConfig()
    errors = validate_answers(answers, GB_ITEMS) | validate_facts(facts)
    if errors:
        raise ScoringError(errors)
    subtotals = {g.code: 0 for g in GB_GROUPS}
    for item in GB_ITEMS:
        subtotals[item.group] += answers[item.code]
    total = sum(subtotals.values())
    preliminary = gb_preliminary_level(total)
    if facts.coma:
        # 直接评定: the other two rules do not apply on top; coma never makes the level milder.
        final = max(preliminary, config.coma_level)
        # Saved with the assessment (level_changes): always in the records' language.
        label = f"处于昏迷状态，直接评定为{stored(LEVEL_SHORT[config.coma_level])}"
        return Result(
            GB42195, subtotals, total, preliminary, final, (LevelChange("coma", label, preliminary, final),)
        )
    final, changes = _raise_levels(
        preliminary, facts, config, diagnosis=facts.dementia or facts.mental_disorder, top=4
    )
    return Result(GB42195, subtotals, total, preliminary, final, tuple(changes))


# -- MZ/T 039-2013 -----------------------------------------------------------------------------------------

MZT_GROUPS: tuple[Group, ...] = (
    Group("B.1", _("日常生活活动"), 100),
    Group("B.2", _("精神状态"), 6),
    Group("B.3", _("感知觉与沟通"), 0),  # rule-based, not summed
    Group("B.4", _("社会参与"), 20),
)


def _barthel(code: str, name: StrOrPromise, *scores: int) -> Item:
    texts: dict[int, StrOrPromise] = {0: _("完全依赖或不能完成")}
    top = scores[0]
    for s in scores:
        if s == top:
            texts[s] = _("自理 / 独立完成")
        elif s and s not in texts:
            texts[s] = _("需部分帮助") if s == top - 5 else _("需极大帮助")
    return Item(code, "B.1", name, tuple((s, texts[s]) for s in scores))


def _severity(code: str, group: str, name: StrOrPromise, *texts: StrOrPromise) -> Item:
    """Items where 0 is best (MZ/T 精神状态, 感知觉与沟通, 社会参与)."""
    return Item(code, group, name, tuple((i, t) for i, t in enumerate(texts)))


MZT_ITEMS: tuple[Item, ...] = (
    _barthel("B.1.1", _("进食"), 10, 5, 0),
    _barthel("B.1.2", _("洗澡"), 5, 0),
    _barthel("B.1.3", _("修饰"), 5, 0),
    _barthel("B.1.4", _("穿衣"), 10, 5, 0),
    _barthel("B.1.5", _("大便控制"), 10, 5, 0),
    _barthel("B.1.6", _("小便控制"), 10, 5, 0),
    _barthel("B.1.7", _("如厕"), 10, 5, 0),
    _barthel("B.1.8", _("床椅转移"), 15, 10, 5, 0),
    _barthel("B.1.9", _("平地行走（45m）"), 15, 10, 5, 0),
    _barthel("B.1.10", _("上下楼梯"), 10, 5, 0),
    _severity(
        "B.2.1",
        "B.2",
        _("认知功能"),
        _("画钟正确且能回忆出2–3个词"),
        _("画钟错误或只回忆出0–1个词"),
        _("已确诊为认知障碍，如老年痴呆"),
    ),
    _severity("B.2.2", "B.2", _("攻击行为"), _("无"), _("每月有几次"), _("每周有几次")),
    _severity(
        "B.2.3",
        "B.2",
        _("抑郁症状"),
        _("无"),
        _("情绪低落、不爱说话、不爱梳洗、不爱活动"),
        _("有自杀念头或自杀行为"),
    ),
    _severity(
        "B.3.1", "B.3", _("意识水平"), _("神志清醒"), _("嗜睡"), _("昏睡"), _("昏迷（直接评定为重度失能）")
    ),
    _severity(
        "B.3.2",
        "B.3",
        _("视力"),
        _("能看清书报上的标准字体"),
        _("能看清楚大字体，但看不清标准字体"),
        _("视力有限，看不清报纸大标题，但能辨认物体"),
        _("辨认物体有困难，但眼睛能跟随物体移动"),
        _("没有视力，眼睛不能跟随物体移动"),
    ),
    _severity(
        "B.3.3",
        "B.3",
        _("听力"),
        _("可正常交谈"),
        _("在轻声说话或说话距离超过2米时听不清"),
        _("正常交流有些困难，需在安静的环境或大声说话才能听到"),
        _("讲话者大声说话或说话很慢，才能部分听见"),
        _("完全听不见"),
    ),
    _severity(
        "B.3.4",
        "B.3",
        _("沟通交流"),
        _("无困难，能与他人正常沟通和交流"),
        _("能够表达自己的需要及理解别人的话，但需要增加时间或给予帮助"),
        _("表达需要或理解有困难，需频繁重复或简化口头表达"),
        _("不能表达需要或理解他人的话"),
    ),
    *(
        _severity(code, "B.4", name, _("0 分"), _("1 分"), _("2 分"), _("3 分"), _("4 分"))
        for code, name in (
            ("B.4.1", _("生活能力")),
            ("B.4.2", _("工作能力")),
            ("B.4.3", _("时间/空间定向")),
            ("B.4.4", _("人物定向")),
            ("B.4.5", _("社会交往能力")),
        )
    ),
)


def mzt_adl_grade(total: int) -> int:
    """Barthel total 0–100 → grade: 100 → 0; 65–95 → 1; 45–60 → 2; ≤ 40 → 3."""
    if total >= 100:
        return 0
    if total >= 65:
        return 1
    if total >= 45:
        return 2
    return 3


def mzt_mental_grade(total: int) -> int:
    """精神状态 0–6 → grade: 0 → 0; 1 → 1; 2–3 → 2; 4–6 → 3."""
    return 0 if total == 0 else 1 if total == 1 else 2 if total <= 3 else 3


def mzt_perception_grade(consciousness: int, vision: int, hearing: int, communication: int) -> int:
    """感知觉与沟通: rule-based. Consciousness 0 清醒, 1 嗜睡, 2 昏睡, 3 昏迷."""
    if consciousness >= 2 or (vision == 4 or hearing == 4 or communication == 3):
        return 3
    if consciousness == 1:  # 嗜睡 with vision/hearing ≤ 3 and communication ≤ 2
        return 2
    if vision == 3 or hearing == 3 or communication == 2:
        return 2
    if vision == 2 or hearing == 2 or communication == 1:
        return 1
    return 0


def mzt_social_grade(total: int) -> int:
    """社会参与 0–20 → grade: 0–2 → 0; 3–7 → 1; 8–13 → 2; 14–20 → 3."""
    return 0 if total <= 2 else 1 if total <= 7 else 2 if total <= 13 else 3


def mzt_preliminary_level(adl: int, mental: int, perception: int, social: int) -> int:
    """The MZ/T level matrix. Cases the matrix leaves open fall to the row of their ADL grade
    (ADL 2 without a grade 3 elsewhere → 中度; ADL 0 with a grade 3 in 社会参与 only → 轻度)."""
    others = (mental, perception, social)
    if adl == 3 or (adl == mental == perception == social == 2) or (adl == 2 and 3 in others):
        return 3
    if adl == 2:
        return 2
    if adl == 1:
        return 2 if all(g == 2 for g in others) or 3 in others else 1
    if mental == 0 and perception == 0 and social <= 1:
        return 0
    return 1


def score_mzt039(
    answers: Mapping[str, int], facts: ChangeFacts, config: ScoringConfig | None = None
) -> Result:
    """Score a legacy MZ/T 039-2013 record: dimension grades, preliminary and final level (0–3)."""
    config = config or ScoringConfig()
    errors = validate_answers(answers, MZT_ITEMS) | validate_facts(facts)
    if errors:
        raise ScoringError(errors)
    subtotals = {g.code: 0 for g in MZT_GROUPS}
    for item in MZT_ITEMS:
        if item.group != "B.3":
            subtotals[item.group] += answers[item.code]
    grades = {
        "B.1": mzt_adl_grade(subtotals["B.1"]),
        "B.2": mzt_mental_grade(subtotals["B.2"]),
        "B.3": mzt_perception_grade(answers["B.3.1"], answers["B.3.2"], answers["B.3.3"], answers["B.3.4"]),
        "B.4": mzt_social_grade(subtotals["B.4"]),
    }
    del subtotals["B.3"]
    preliminary = mzt_preliminary_level(grades["B.1"], grades["B.2"], grades["B.3"], grades["B.4"])
    if preliminary == 3:  # rule 4: a preliminary 重度失能 is not changed
        return Result(MZT039, subtotals, None, 3, 3, (), grades)
    if facts.coma or answers["B.3.1"] == 3:
        change = LevelChange("coma", "处于昏迷状态，直接评定为重度失能", preliminary, 3)
        return Result(MZT039, subtotals, None, preliminary, 3, (change,), grades)
    diagnosis = facts.dementia or facts.mental_disorder or answers["B.2.1"] == 2
    final, changes = _raise_levels(preliminary, facts, config, diagnosis=diagnosis, top=3)
    return Result(MZT039, subtotals, None, preliminary, final, tuple(changes), grades)


SCHEMES = {GB42195: (GB_ITEMS, GB_GROUPS), MZT039: (MZT_ITEMS, MZT_GROUPS)}


def items_for(scheme: str) -> tuple[Item, ...]:
    return SCHEMES[scheme][0]


def groups_for(scheme: str) -> tuple[Group, ...]:
    return SCHEMES[scheme][1]


def score(
    scheme: str, answers: Mapping[str, int], facts: ChangeFacts, config: ScoringConfig | None = None
) -> Result:
    if scheme == GB42195:
        return score_gb42195(answers, facts, config)
    if scheme == MZT039:
        return score_mzt039(answers, facts, config)
    raise ScoringError({"scheme": gettext("未知的评估标准 %(scheme)s") % {"scheme": scheme}})


def partial_subtotals(scheme: str, answers: Mapping[str, int | None]) -> tuple[dict[str, int], int, int]:
    """Running subtotals of a draft (answered items only), the running total and the answered count;
    the form shows them while the assessor works."""
    subtotals = {g.code: 0 for g in groups_for(scheme)}
    answered = 0
    for item in items_for(scheme):
        value = answers.get(item.code)
        if isinstance(value, int) and not isinstance(value, bool) and value in item.scores:
            answered += 1
            subtotals[item.group] += value
    return subtotals, sum(subtotals.values()), answered
