"""The demo district: areas with grids and map positions, one user per role, and synthetic elders.

``manage.py demo`` builds 南通市通州区 (320612) by default, the district of our seed document: 28.9万
elders, 23.3% of the residents. Everything is deterministic from ``--seed`` except the ciphertexts
(AES-GCM needs fresh nonces).

Elders are generated in Python, a chunk at a time, and written set-based: binary ``COPY`` on
PostgreSQL, ``executemany`` on SQLite. For large runs a forked worker process builds the rows while
the loading process writes them (see :class:`ElderGenerator`). On PostgreSQL the secondary indexes
and the foreign-key and unique constraints of the three tables are dropped for the load and
recreated after it, inside the same transaction (PostgreSQL manual, "Populating a Database"):
sorting once is much cheaper than maintaining fifteen B-trees row by row, and a failed load rolls
back to the schema it started with.

The distributions follow the seeds (seed 004, a community of 536 elders) and published figures for
通州; see the constants below.
"""

from __future__ import annotations

import bisect
import datetime
import math
import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from yiyang.accounts.models import AreaAssignment, User
from yiyang.accounts.roles import Role
from yiyang.areas import loader
from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit, crypto
from yiyang.core.bulkload import BulkLoadMode, refresh_after_load
from yiyang.core.idnumber import check_char, make_id_number, mask_id_number
from yiyang.people import stats
from yiyang.people.models import Certification, Elder, ElderContact, ElderStat, ElderStatState, SavedFilter
from yiyang.people.pinyin import NameKeys, name_keys

DEMO_DISTRICT = "320612"
DEMO_PASSWORD = "Yiyang@2026"
#: The demo's administrator and auditor pass their second factor with this published TOTP secret (add
#: it to any authenticator app) or with ``manage.py demo_otp``, which prints the current codes. Only
#: the demo sets it; a real account enrols its own secret at first login.
DEMO_TOTP_SECRET = "YIYANGDEMOSECRETKEYFORTOTPLOGINS"
DEFAULT_ELDERS = 30_000
CHUNK_SIZE = 20_000
PARALLEL_MIN = 100_000  # elders from which chunks are built in worker processes
CENTRE = (32.066, 121.073)  # 通州区 (金沙街道), latitude and longitude
KM_PER_DEG_LAT = 111.0


# -- demo users ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    last_name: str
    first_name: str
    organisation: str
    area: str  # "district", "street:N" (N-th street by code), "community" (first of street 0), "" = none


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.DISTRICT_ADMIN, "周", "明华", "通州区民政局", "district"),
    DemoUser("jinsha", Role.STREET_WORKER, "顾", "晓燕", "金沙街道办事处", "street:0"),
    DemoUser("xingdong", Role.STREET_WORKER, "陆", "志强", "兴东街道办事处", "street:1"),
    DemoUser("dongshi", Role.COMMUNITY_WORKER, "施", "丽华", "东市社区居委会", "community"),
    DemoUser("hotline", Role.HOTLINE_OPERATOR, "季", "婷婷", "通州区养老服务热线", "district"),
    DemoUser("provider", Role.PROVIDER_STAFF, "王", "海军", "通州区颐康居家养老服务中心", ""),
    DemoUser("auditor", Role.AUDITOR, "张", "敏", "通州区审计局", "district"),
)

# name, query string (ElderFilterSet parameters), description
SYSTEM_FILTERS: tuple[tuple[str, str, str], ...] = (
    ("80岁以上高龄", "age_min=80", "年满 80 周岁的在册老人（高龄津贴对象）"),
    ("90岁以上", "age_min=90", "年满 90 周岁的在册老人"),
    ("百岁老人", "age_bracket=5", "年满 100 周岁的在册老人"),
    ("独居老人", "living_situation=alone", "居住情况为独居"),
    ("空巢老人", "living_situation=empty_nest", "居住情况为空巢"),
    ("孤寡老人", "living_situation=gugua", "居住情况为孤寡"),
    ("独居80岁以上", "living_situation=alone&age_min=80", "独居且年满 80 周岁，重点探访对象"),
    ("低保老人", "category=dibao", "当前持有低保认定"),
    ("特困老人", "category=tekun", "当前持有特困供养认定"),
    ("失能老人", "disabled=true", "能力等级为轻度失能及以上（GB/T 42195 等级 ≥ 1）"),
)


# -- distributions ------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Age brackets from seed 004 (60–69 57.3%, 70–79 28.5%, 80–89 9.3%, 90–99 1.5%, 100+ 0.4%), spread over
# single years with a gentle decline inside each bracket and the 1959–61 famine dip in births.
BRACKET_SHARES = (0.573, 0.285, 0.093, 0.015, 0.004)
MAX_AGE = 106
# Per bracket 60s, 70s, 80s, 90s, 100+.
P_MALE = (0.495, 0.47, 0.42, 0.35, 0.25)  # about 48% overall, more women at older ages
LIVING = (  # (alone, empty_nest, gugua, institution); the rest live with family
    (0.060, 0.22, 0.045, 0.005),
    (0.100, 0.19, 0.065, 0.015),
    (0.120, 0.14, 0.080, 0.050),
    (0.140, 0.08, 0.100, 0.100),
    (0.140, 0.05, 0.100, 0.120),
)
P_ASSESSED = (0.10, 0.16, 0.30, 0.50, 0.60)  # capability assessed (GB/T 42195), about 15% overall
P_DISABLED_IF_ASSESSED = (0.15, 0.20, 0.26, 0.42, 0.55)  # level >= 1: about 10% of the 80+
P_HEALTH = (0.33, 0.47, 0.55, 0.60, 0.60)  # a health note, about 40% overall
P_DISABILITY = (0.025, 0.032, 0.040, 0.050, 0.050)  # 残疾等级, about 3%
P_DECEASED = (0.004, 0.012, 0.030, 0.060, 0.080)  # about 1%
P_MOVED = 0.005
P_HUKOU_LOCAL = 0.95
P_GRID = 0.70

SURNAMES = (
    "王7.1 李7.0 张6.8 刘5.0 陈5.5 杨3.0 黄2.3 赵2.0 周2.6 吴2.2 徐2.8 孙1.8 朱2.4 马1.2 胡1.3 郭1.1 林1.0 "
    "何1.0 高1.1 梁.7 郑.9 罗.7 宋.7 谢.6 唐.6 韩.6 曹1.0 许.9 邓.4 萧.2 冯.6 曾.3 程.5 蔡.6 彭.4 潘.5 袁.6 "
    "于.4 董.6 余.3 苏.4 叶.5 吕.4 魏.4 蒋.6 田.4 杜.4 丁.7 沈.9 姜.5 范.5 江.3 傅.3 钟.3 卢.3 汪.4 戴.5 崔.3 "
    "任.3 陆1.2 廖.2 姚.5 方.3 金.5 邱.3 夏.4 谭.2 韦.1 贾.3 邹.3 石.4 熊.2 孟.3 秦.3 阎.1 薛.4 侯.3 雷.2 白.3 "
    "龙.1 段.2 郝.1 孔.2 邵.4 史.3 毛.3 常.2 万.2 顾1.2 赖.1 武.2 康.2 贺.2 严.4 尹.2 钱.6 施1.0 牛.1 洪.2 "
    "龚.3 季.8 缪.4"
)
# Given names of people born 1920–1966: (first characters, second characters, single-character names).
FEMALE_GIVEN = (
    "秀4 桂3 玉3 凤2 淑2 美2 兰2 金2 翠1.5 素1.5 月1 彩1 爱1 春1.5 冬1 菊1 巧1 银1 雪.8 惠1 德.8 红1 丽1",
    "英5 兰4 珍3 华3 芳2 梅2 琴2 云2 霞2 凤2 芬1.5 萍1 香1.5 花1 娣1 妹1 娟1 莲1 琼.8 清.8 仙.8 侠.6 贞.6",
    "英2 兰2 珍2 芳2 梅2 琴1.5 霞1.5 凤1.5 娟1 萍1 华1 云1 菊1 红1 秀1 兰1",
)
MALE_GIVEN = (
    "建4 国3 德2 福2 根2 宝2 金2 荣1.5 志2 永2 长1.5 有1.5 正1 文1.5 明1.5 海1.5 家1 春1.5 庆1 树1 学1 振1 "
    "连1 祖1 汉1 光1 其.8 兆.8 卫1 新1",
    "华4 明3 林3 生3 忠2 军2 平2 强2 山2 祥2 民2 成2 才1.5 发1.5 元1 良1.5 兴1.5 泉1 清1 昌1 富1.5 贵1.5 "
    "东1.5 标1 斌1 康1 荣1 新1 泰1 国1",
    "军2 明2 华2 强2 林2 平2 勇1.5 刚1.5 斌1 杰1 忠1 祥1 荣1 山1 海1 生1",
)
P_SINGLE_GIVEN = 0.22
# Children and grandchildren (born 1950s–1990s), for contacts.
YOUNG_GIVEN = {
    "M": _words(
        "伟 军 勇 强 磊 斌 杰 涛 明 辉 峰 健 波 刚 俊 建华 建军 海峰 志强 晓东 卫东 国庆 建平 海军 晓明 "
        "志刚 宏伟 建新 春华 永红 晓峰 海涛 振华 文斌 俊杰 子豪 浩然 宇轩"
    ),
    "F": _words(
        "丽 敏 静 燕 芳 娟 霞 红 萍 玲 琳 婷 晓红 海燕 晓燕 春燕 丽华 雪梅 美玲 红梅 秀芳 建英 卫红 "
        "晓梅 丽娟 玉梅 晓丽 慧敏 雅婷 欣怡 佳怡 思雨"
    ),
}
HEALTH_CONDITIONS = (
    "高血压40 糖尿病18 冠心病12 骨关节病8 慢阻肺6 脑梗后遗症6 白内障6 骨质疏松5 听力障碍4 阿尔茨海默病3 "
    "慢性肾病2 帕金森病1.5"
)
ROADS = _words(
    "人民路 建设路 金沙路 新金路 通州大道 世纪大道 和平路 解放路 工农路 银河路 碧华路 育才路 朝阳路 健康路 "
    "虹桥路 东方路 南山路 北山路 金霞路 文峰路 建民路 兴东路 先锋路 振兴路 鑫港路 滨河路"
)
ETHNICITY_OTHER = ("回族", "满族", "蒙古族", "壮族", "土家族")
P_HAN = 0.996
# Region codes in ID numbers: the county's codes over time (南通县 320624 until 1993, 通州市 320683
# 1993–2009, 通州区 320612 since 2009); elders kept the number issued first, so most carry an old code.
LOCAL_REGIONS_OLD = (("320624", 0.65), ("320683", 0.28), ("320612", 0.07))  # born before 1950
LOCAL_REGIONS_YOUNG = (("320624", 0.45), ("320683", 0.40), ("320612", 0.15))
NON_LOCAL = (  # (ID region code, 户籍地址)
    ("320623", "江苏省如东县掘港镇"),
    ("320621", "江苏省海安县城东镇"),
    ("320682", "江苏省如皋市如城街道"),
    ("320681", "江苏省启东市汇龙镇"),
    ("320684", "江苏省海门市海门街道"),
    ("320602", "江苏省南通市崇川区和平桥街道"),
    ("310230", "上海市崇明县城桥镇"),
    ("342401", "安徽省六安市金安区"),
)
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 180 181 182 183 187 188 189"
)
P_MOBILE = 0.85
DECEASED_NOTES = ("家属告知", "火化信息比对", "社区走访核实")
MOVED_NOTES = ("户籍迁出至南通市崇川区", "随子女迁居上海市", "户籍迁出至苏州市", "迁居如东县")

# Economic certifications (target shares: 低保 4.3%, 特困 3.4%, 低边 2%, 五保 1% of rural, 三老 0.5%).
CERT_BODY = {
    "dibao": "通州区民政局",
    "dibian": "通州区民政局",
    "tekun": "通州区民政局",
    "wubao": "通州区民政局",
    "sanlao": "通州区老干部局",
}
CERT_DOC = {"dibao": "通民低", "dibian": "通民边", "tekun": "通民特", "wubao": "通民五", "sanlao": "通老干"}
P_ENDED_CERT = 0.015  # an extra, lapsed 低保/低边 certification


def _weighted(spec: str) -> tuple[list[str], list[float]]:
    """'王7.1 李7' → (['王', '李'], cumulative weights)."""
    items, cumulative, total = [], [], 0.0
    for token in spec.split():
        head = token.rstrip("0123456789.")
        items.append(head)
        total += float(token[len(head) :] or 1)
        cumulative.append(total)
    return items, cumulative


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def age_weights(today: datetime.date) -> list[float]:
    """Weight of each age from 60 to MAX_AGE, summing per bracket to BRACKET_SHARES (normalised).

    Inside a bracket the weight decays at the rate that links it to the next bracket, so the curve
    has no steps at 70, 80, 90; the cohorts born in the 1959–61 famine are small.
    """
    shares = [s / sum(BRACKET_SHARES) for s in BRACKET_SHARES]
    rates = [math.log(shares[b] / shares[b + 1]) / 10 for b in range(len(shares) - 1)]
    rates[-1] = max(rates[-1], rates[-2])
    rates.append(0.5)  # past 100
    weights = [0.0] * (MAX_AGE + 1)
    for b, share in enumerate(shares):
        low = 60 + 10 * b
        high = low + 9 if b < 4 else MAX_AGE
        raw = {}
        for age in range(low, high + 1):
            w = math.exp(-rates[b] * (age - low))
            if today.year - age in (1959, 1960, 1961):
                w *= 0.6
            raw[age] = w
        total = sum(raw.values())
        for age, w in raw.items():
            weights[age] = share * w / total
    return weights


# -- areas --------------------------------------------------------------------------------------------


@dataclass
class Community:
    area: Area
    street: Area
    grids: list[Area]
    roads: list[str]
    is_village: bool


@dataclass
class AreaPlan:
    district: Area
    streets: list[Area]
    communities: list[Community]
    grid_count: int


def _offset(
    rng: random.Random, lat: float, lon: float, max_km: float, min_km: float = 0.0
) -> tuple[float, float]:
    r = math.sqrt(rng.uniform((min_km / max_km) ** 2, 1.0)) * max_km
    angle = rng.uniform(0, 2 * math.pi)
    km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(lat))
    return (
        round(lat + r * math.sin(angle) / KM_PER_DEG_LAT, 6),
        round(lon + r * math.cos(angle) / km_per_deg_lon, 6),
    )


@transaction.atomic
def build_areas(district_code: str, seed: int) -> AreaPlan:
    """Load the district (idempotent), add 2–4 grids per community and place everything on the map."""
    loader.load_district(district_code)
    rng = random.Random(f"yiyang-demo-geo-{district_code}-{seed}")
    district = Area.objects.get(code=district_code)
    # Another district keeps a centre it already has; without a geocoder the fallback is 通州's.
    if district_code == DEMO_DISTRICT or district.latitude is None or district.longitude is None:
        district.latitude, district.longitude = CENTRE
    centre = (district.latitude, district.longitude)
    streets = list(Area.objects.filter(parent=district, level=AreaLevel.STREET).order_by("code"))
    changed: list[Area] = [district]
    communities: list[Community] = []
    grid_count = 0
    for street in streets:
        if street.kind == "街道":
            street.latitude, street.longitude = _offset(rng, *centre, max_km=6.0)
        else:
            street.latitude, street.longitude = _offset(rng, *centre, max_km=20.0, min_km=7.0)
        changed.append(street)
        for community in Area.objects.filter(parent=street, level=AreaLevel.COMMUNITY).order_by("code"):
            community.latitude, community.longitude = _offset(rng, street.latitude, street.longitude, 2.0)
            changed.append(community)
            grids = loader.add_grids(community, rng.randint(2, 4))
            for grid in grids:
                grid.latitude, grid.longitude = _offset(rng, community.latitude, community.longitude, 0.3)
            changed.extend(grids)
            grid_count += len(grids)
            communities.append(
                Community(community, street, grids, rng.sample(ROADS, 3), community.kind == "村")
            )
    Area.objects.bulk_update(changed, ["latitude", "longitude"], batch_size=500)
    return AreaPlan(district, streets, communities, grid_count)


# -- users and saved filters ----------------------------------------------------------------------------


@dataclass
class Login:
    username: str
    role: str
    area: str
    password: str


def _user_area(spec: str, plan: AreaPlan) -> Area | None:
    if spec == "district":
        return plan.district
    if spec.startswith("street:"):
        index = int(spec.split(":")[1])
        return plan.streets[index] if index < len(plan.streets) else None
    if spec == "community":
        first = [c.area for c in plan.communities if plan.streets and c.street.pk == plan.streets[0].pk]
        return first[0] if first else None
    return None


@transaction.atomic
def ensure_users(plan: AreaPlan, password: str = DEMO_PASSWORD) -> list[Login]:
    """One standing user per role; re-running resets passwords and assignments, never duplicates."""
    from axes.utils import reset as axes_reset
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password

    # One hash for all demo accounts: they share the documented password, and hashing is slow on purpose.
    hashed = make_password(password)
    logins = []
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
        user.role = spec.role
        user.last_name, user.first_name = spec.last_name, spec.first_name
        user.organisation = spec.organisation
        user.is_active = True
        validate_password(password, user)
        user.password = hashed
        user.password_changed_at = timezone.now()
        user.save()
        area = _user_area(spec.area, plan)
        wanted = {area.pk} if area else set()
        AreaAssignment.objects.filter(user=user).exclude(area_id__in=wanted).delete()
        for area_id in wanted:
            AreaAssignment.objects.get_or_create(user=user, area_id=area_id)
        axes_reset(username=spec.username)  # a demo account locked by failed logins opens again
        if spec.role in settings.OTP_REQUIRED_ROLES:
            _demo_second_factor(user)
        logins.append(
            Login(spec.username, str(spec.role.label), area.full_name() if area else "（不限区域）", password)
        )
    return logins


def _demo_second_factor(user: User) -> None:
    """The demo account's authenticator: the published secret, so that anyone trying the demo gets in."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yiyang.accounts import second_factor

    second_factor.reset(user)
    TOTPDevice.objects.create(
        user=user, name="demo", confirmed=True, key=base64.b32decode(DEMO_TOTP_SECRET).hex()
    )


def ensure_saved_filters() -> int:
    for order, (name, query, description) in enumerate(SYSTEM_FILTERS, start=1):
        SavedFilter.objects.update_or_create(
            name=name,
            owner=None,
            defaults={"query": query, "description": description, "sort_order": order * 10},
        )
    return len(SYSTEM_FILTERS)


# -- reset --------------------------------------------------------------------------------------------


def dependent_models(roots: Sequence[type[models.Model]]) -> list[type[models.Model]]:
    """Models whose rows point at ``roots``, directly or through others: what TRUNCATE CASCADE reaches."""
    from django.apps import apps

    found: list[type[models.Model]] = list(roots)
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in found or model._meta.proxy or not model._meta.managed:
                continue
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model in found:
                    found.append(model)
                    changed = True
                    break
    return found


def reset_registry() -> list[str]:
    """Empty the registry: elders, contacts, certifications, statistics, and every table pointing at them.

    PostgreSQL: one TRUNCATE … CASCADE. Elsewhere: DELETE from each table, which is consistent at
    commit because foreign keys are checked then. Returns the other tables that were emptied.
    """
    roots = [Elder, ElderContact, Certification]
    own = {m._meta.db_table for m in (*roots, ElderStat, ElderStatState)}
    tables = [m._meta.db_table for m in dependent_models(roots)]
    tables += [t for t in own if t not in tables]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                cur.execute(f"DELETE FROM {table}")
    return [t for t in tables if t not in own]


# -- generation ---------------------------------------------------------------------------------------


def _columns(
    model: type[models.Model], names: Sequence[str], now: datetime.datetime
) -> tuple[list[str], tuple[Any, ...]]:
    """db columns for ``names`` then every other concrete field, and the constant values of the latter.

    The constants are appended to each generated row: ``created_at``/``updated_at`` (any date-time
    field) get ``now``, anything else (a field added later) its default.
    """
    columns: list[str] = [model._meta.get_field(n).column for n in names]  # type: ignore[union-attr,misc]
    constants = []
    for f in model._meta.concrete_fields:
        if f.name in names or f.primary_key:
            continue
        columns.append(str(f.column))
        value = now if isinstance(f, models.DateTimeField) else f.get_default()
        constants.append(f.get_db_prep_save(value, connection))
    return columns, tuple(constants)


ELDER_FIELDS = (
    "id",
    "id_number_enc",
    "id_number_hash",
    "id_number_masked",
    "id_tail",
    "name",
    "name_pinyin",
    "name_initials",
    "name_pinyin_alt",
    "name_initials_alt",
    "sex",
    "birth_date",
    "ethnicity",
    "phone_enc",
    "phone_hash",
    "phone_masked",
    "phone_tail",
    "address",
    "latitude",
    "longitude",
    "area",
    "area_path",
    "hukou_local",
    "hukou_address",
    "living_situation",
    "categories",
    "health_enc",
    "health_hash",
    "disability_grade",
    "capability_level",
    "status",
    "status_date",
    "status_note",
    "import_batch",
)
CONTACT_FIELDS = (
    "elder",
    "name",
    "relation",
    "phone_enc",
    "phone_masked",
    "is_emergency",
    "is_keyholder",
    "lives_together",
    "priority",
    "note",
)
CERT_FIELDS = (
    "elder",
    "category",
    "valid_from",
    "valid_to",
    "certified_by",
    "document_no",
    "note",
)


Basics = tuple[int, int, bool, int, str]


@dataclass
class Chunk:
    elders: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    certifications: list[tuple[Any, ...]] = field(default_factory=list)


def _given_table(spec: tuple[str, str, str]) -> tuple[list[str], list[float]]:
    """All given names of one sex with their weights: single characters and first × second pairs."""
    first, second, single = (_weighted(s) for s in spec)
    names: dict[str, float] = {}

    def weights(items: list[str], cum: list[float]) -> list[tuple[str, float]]:
        return [(item, cum[i] - (cum[i - 1] if i else 0.0)) for i, item in enumerate(items)]

    total_single = single[1][-1]
    for name, w in weights(*single):
        names[name] = names.get(name, 0.0) + P_SINGLE_GIVEN * w / total_single
    total_pairs = first[1][-1] * second[1][-1]
    for a, wa in weights(*first):
        for b, wb in weights(*second):
            if a != b:
                names[a + b] = names.get(a + b, 0.0) + (1 - P_SINGLE_GIVEN) * wa * wb / total_pairs
    return list(names), _cumulative(list(names.values()))


def _area_tuple(area: Area) -> tuple[int, str, float | None, float | None]:
    return area.pk, area.path, area.latitude, area.longitude


class ElderGenerator:
    """Rows for ``n`` elders, in chunks: uniform draws and table look-ups only, no Faker, no ORM.

    Two halves, so that chunks can be built in worker processes: :meth:`draw_basics` runs in order
    in the loading process and draws what must be unique across the whole run (birth date, sex and
    the ID number); :meth:`build` turns those into rows with a random stream of its own per chunk.
    Either way the result depends only on the seed (ciphertexts aside: they need fresh nonces).
    About 30 µs per elder with its contacts and certifications.
    """

    def __init__(self, plan: AreaPlan, *, seed: int, today: datetime.date) -> None:
        self.seed = seed
        self.basics_rng = random.Random(seed)
        self.rng = rng = random.Random(seed + 1)
        self.today = today
        # Community sizes: lognormal, villages larger (towns have fewer, bigger units).
        self.communities = []
        sizes = []
        for c in plan.communities:
            sizes.append(rng.lognormvariate(0.0, 0.55) * (1.4 if c.is_village else 1.0))
            self.communities.append(
                (
                    _area_tuple(c.area),
                    [_area_tuple(g) for g in c.grids],
                    f"{c.street.name}{c.area.name}",
                    c.roads,
                    c.is_village,
                )
            )
        if not self.communities:
            raise ValueError("区县下没有社区或村，无法生成老年人")
        self.community_cum = _cumulative(sizes)

        self.age_cum = _cumulative(age_weights(today)[60:])
        # Per age a: first birth ordinal and number of days; born in (cutoff(a + 1), cutoff(a)].
        self.age_span = []
        for age in range(60, MAX_AGE + 1):
            latest = stats.birth_cutoff(today, age).toordinal()
            earliest = stats.birth_cutoff(today, age + 1).toordinal() + 1
            self.age_span.append((earliest, latest - earliest + 1, min(age // 10 - 6, 4)))
        self.dates: dict[int, tuple[datetime.date, str, int]] = {}  # ordinal → (date, YYYYMMDD, year)
        self.surnames, self.surname_cum = _weighted(SURNAMES)
        self.given = {"F": _given_table(FEMALE_GIVEN), "M": _given_table(MALE_GIVEN)}
        self.conditions, self.condition_cum = _weighted(HEALTH_CONDITIONS)
        self.condition_order = {c: i for i, c in enumerate(self.conditions)}
        self.mobile_prefixes = MOBILE_PREFIXES.split()
        self.pinyin: dict[str, NameKeys] = {}
        self.id_seq: dict[int, int] = {}
        self.region_index = {
            code: i for i, code in enumerate([r for r, _ in LOCAL_REGIONS_OLD] + [r for r, _ in NON_LOCAL])
        }
        self.born_1950 = datetime.date(1950, 1, 1).toordinal()
        # Numbers are built as make_id_number builds them, without its per-call validation.
        if self._build_id("320612", 712345, 123) != make_id_number(
            "320612", datetime.date.fromordinal(712345), 123
        ):
            raise RuntimeError("ID numbers built here differ from make_id_number")

    # -- small draws -------------------------------------------------------------------------------
    def _date(self, ordinal: int) -> tuple[datetime.date, str, int]:
        d = datetime.date.fromordinal(ordinal)
        value = self.dates[ordinal] = (d, f"{d.year:04d}{d.month:02d}{d.day:02d}", d.year)
        return value

    def _id_number(self, region: str, ordinal: int, male: bool) -> str:
        """Unique per (region, birth date, sex): sequence 002–999, odd for men (GB 11643)."""
        key = (ordinal * 64 + self.region_index[region]) * 2 + male
        k = self.id_seq.get(key, 0)
        if k >= 499:
            raise OverflowError(region)
        self.id_seq[key] = k + 1
        return self._build_id(region, ordinal, ((ordinal * 7919 + int(region) + k) % 499) * 2 + 2 + male)

    def _build_id(self, region: str, ordinal: int, seq: int) -> str:
        body = f"{region}{(self.dates.get(ordinal) or self._date(ordinal))[1]}{seq:03d}"
        return body + check_char(body)

    def _phone(self, p_mobile: float) -> tuple[str, str]:
        """(number, masked) as crypto.mask_phone masks it."""
        rnd = self.rng.random
        if rnd() < p_mobile:
            prefix = self.mobile_prefixes[int(rnd() * len(self.mobile_prefixes))]
            tail = int(rnd() * 10_000)
            return f"{prefix}{int(rnd() * 10_000):04d}{tail:04d}", f"{prefix}****{tail:04d}"
        phone = f"0513-8{int(rnd() * 10_000_000):07d}"
        return phone, crypto.mask_phone(phone)

    def _young_name(self, surname: str | None, sex: str) -> str:
        rnd = self.rng.random
        if surname is None:
            surname = self.surnames[bisect.bisect(self.surname_cum, rnd() * self.surname_cum[-1])]
        pool = YOUNG_GIVEN[sex]
        return surname + pool[int(rnd() * len(pool))]

    def _health(self, bracket: int) -> str:
        rnd = self.rng.random
        n = 1 if rnd() < 0.6 else (2 if rnd() < 0.75 else 3)
        cum, total = self.condition_cum, self.condition_cum[-1]
        picked = {self.conditions[bisect.bisect(cum, rnd() * total)] for _ in range(n)}
        if bracket >= 2 and rnd() < 0.05:
            picked.add("阿尔茨海默病")
        return "、".join(sorted(picked, key=self.condition_order.__getitem__))

    def _address(self, label: str, roads: list[str], village: bool) -> str:
        rnd = self.rng.random
        if village:
            return f"{label}{int(rnd() * 24) + 1}组{int(rnd() * 80) + 1}号"
        road = roads[int(rnd() * len(roads))]
        if rnd() < 0.25:
            return f"{label}{road}{int(rnd() * 300) + 1}号"
        return (
            f"{label}{road}{int(rnd() * 300) + 1}号{int(rnd() * 30) + 1}幢"
            f"{int(rnd() * 6) + 1}0{int(rnd() * 4) + 1}室"
        )

    # -- the ordered half: what must be unique ------------------------------------------------------
    def draw_basics(self, size: int) -> list[Basics]:
        """(birth ordinal, age bracket, male, index into NON_LOCAL or -1, ID number) for ``size`` elders."""
        rnd = self.basics_rng.random
        age_cum, age_total, age_span = self.age_cum, self.age_cum[-1], self.age_span
        out = []
        for _ in range(size):
            earliest, span, bracket = age_span[bisect.bisect(age_cum, rnd() * age_total)]
            ordinal = earliest + int(rnd() * span)
            male = rnd() < P_MALE[bracket]
            if rnd() < P_HUKOU_LOCAL:
                other = -1
                table = LOCAL_REGIONS_OLD if ordinal < self.born_1950 else LOCAL_REGIONS_YOUNG
                r = rnd()
                region = (
                    table[0][0]
                    if r < table[0][1]
                    else table[1][0]
                    if r < table[0][1] + table[1][1]
                    else table[2][0]
                )
            else:
                other = int(rnd() * len(NON_LOCAL))
                region = NON_LOCAL[other][0]
            try:
                id_value = self._id_number(region, ordinal, male)
            except OverflowError:  # 499 people of one sex born on one day: use the current code
                id_value = self._id_number("320612" if region != "320612" else "320683", ordinal, male)
            out.append((ordinal, bracket, male, other, id_value))
        return out

    # -- the parallel half: everything else -----------------------------------------------------------
    def build(self, index: int, first_id: int, basics: list[Basics]) -> Chunk:
        self.rng = random.Random(self.seed * 1_000_003 + index)
        chunk = Chunk()
        for offset, b in enumerate(basics):
            self._elder(chunk, first_id + offset, *b)
        return chunk

    def _elder(
        self, chunk: Chunk, elder_id: int, ordinal: int, bracket: int, male: bool, other: int, id_value: str
    ) -> None:
        rnd = self.rng.random
        enc, digest = crypto.encrypt, crypto.lookup_hash

        area_pair, grids, label, roads, village = self.communities[
            bisect.bisect(self.community_cum, rnd() * self.community_cum[-1])
        ]
        area_id, area_path, lat, lon = (
            grids[int(rnd() * len(grids))] if grids and rnd() < P_GRID else area_pair
        )
        if lat is not None and lon is not None:  # home within about 150 m of the grid or community centre
            lat, lon = round(lat + (rnd() - 0.5) * 0.0027, 6), round(lon + (rnd() - 0.5) * 0.0032, 6)

        birth = (self.dates.get(ordinal) or self._date(ordinal))[0]
        sex = "M" if male else "F"
        surname = self.surnames[bisect.bisect(self.surname_cum, rnd() * self.surname_cum[-1])]
        given, given_cum = self.given[sex]
        name = surname + given[bisect.bisect(given_cum, rnd() * given_cum[-1])]
        keys = self.pinyin.get(name) or self.pinyin.setdefault(name, name_keys(name))

        hukou_local, hukou_address = (True, "") if other < 0 else (False, NON_LOCAL[other][1])
        phone, phone_masked = self._phone(P_MOBILE)

        alone_p, nest_p, gugua_p, inst_p = LIVING[bracket]
        r = rnd()
        if r < alone_p:
            living = "alone"
        elif r < alone_p + nest_p:
            living = "empty_nest"
        elif r < alone_p + nest_p + gugua_p:
            living = "gugua"
        elif r < alone_p + nest_p + gugua_p + inst_p:
            living = "institution"
        else:
            living = "with_family"

        health_enc = health_hash = ""
        if rnd() < P_HEALTH[bracket]:
            health = self._health(bracket)
            health_enc = enc(health)
            health_hash = crypto.note_digest(digest(id_value), health)

        capability = None
        if rnd() < P_ASSESSED[bracket]:
            capability = 0
            if rnd() < P_DISABLED_IF_ASSESSED[bracket]:
                r, b = rnd(), bracket  # more severe at older ages
                capability = (
                    1
                    if r < 0.45 - 0.08 * b
                    else 2
                    if r < 0.75 - 0.06 * b
                    else 3
                    if r < 0.92 - 0.04 * b
                    else 4
                )
        disability = ""
        if rnd() < P_DISABILITY[bracket]:
            r = rnd()
            disability = "1" if r < 0.1 else "2" if r < 0.3 else "3" if r < 0.6 else "4"

        status, status_date, status_note = "living", None, ""
        r = rnd()
        if r < P_DECEASED[bracket] + P_MOVED:
            ended = self.today - datetime.timedelta(days=int(rnd() * 730) + 1)
            status_date = ended
            if r < P_DECEASED[bracket]:
                status, status_note = "deceased", DECEASED_NOTES[int(rnd() * len(DECEASED_NOTES))]
            else:
                status, status_note = "moved", MOVED_NOTES[int(rnd() * len(MOVED_NOTES))]
        else:
            ended = None

        categories = self._certifications(chunk, elder_id, living, village, ended)
        ethnicity = "汉族" if rnd() < P_HAN else ETHNICITY_OTHER[int(rnd() * len(ETHNICITY_OTHER))]

        chunk.elders.append(
            (  # in ELDER_FIELDS order
                elder_id,
                enc(id_value),
                digest(id_value),
                mask_id_number(id_value),
                id_value[14:],
                name,
                *keys,
                sex,
                birth,
                ethnicity,
                enc(phone),
                digest(phone),
                phone_masked,
                phone[-4:],
                self._address(label, roads, village),
                lat,
                lon,
                area_id,
                area_path,
                hukou_local,
                hukou_address,
                living,
                categories,
                health_enc,
                health_hash,
                disability,
                capability,
                status,
                status_date,
                status_note,
                None,
            )
        )
        self._contacts(chunk, elder_id, surname, sex, living)

    def _certifications(
        self, chunk: Chunk, elder_id: int, living: str, rural: bool, ended: datetime.date | None
    ) -> str:
        """Certification rows; returns the categories in force today."""
        rnd = self.rng.random
        r, r_sanlao, r_lapsed = rnd(), rnd(), rnd()
        cats = []
        if living == "gugua":  # 孤寡 elders are mostly supported as 特困 (formerly 五保 in villages)
            if r < 0.35:
                cats.append("tekun")
            elif rural and r < 0.45:
                cats.append("wubao")
            elif r < 0.55:
                cats.append("dibao")
        elif r < 0.039:
            cats.append("dibao")
        elif r < 0.054:
            cats.append("tekun")
        elif r < 0.074:
            cats.append("dibian")
        elif rural and r < 0.082:
            cats.append("wubao")
        if r_sanlao < 0.005:
            cats.append("sanlao")
        if not cats and r_lapsed >= P_ENDED_CERT:
            return ""
        today = self.today
        current = []
        for cat in cats:
            valid_from = today - datetime.timedelta(days=int(rnd() * 8 * 365) + 20)
            if ended is None:
                current.append(cat)
                self._cert_row(chunk, elder_id, cat, valid_from, None)
            else:  # died or moved away: the certification ended that day
                self._cert_row(
                    chunk, elder_id, cat, min(valid_from, ended - datetime.timedelta(days=30)), ended
                )
        if r_lapsed < P_ENDED_CERT:  # an earlier certification that lapsed
            valid_to = today - datetime.timedelta(days=int(rnd() * 3 * 365) + 30)
            valid_from = valid_to - datetime.timedelta(days=int(rnd() * 5 * 365) + 180)
            self._cert_row(
                chunk,
                elder_id,
                "dibao" if rnd() < 0.6 else "dibian",
                valid_from,
                valid_to,
                "家庭收入提高，退出",
            )
        return ",".join(sorted(current))

    def _cert_row(
        self,
        chunk: Chunk,
        elder_id: int,
        cat: str,
        valid_from: datetime.date,
        valid_to: datetime.date | None,
        note: str = "",
    ) -> None:
        doc = f"{CERT_DOC[cat]}〔{valid_from.year}〕{int(self.rng.random() * 300) + 1}号"
        chunk.certifications.append(
            (
                elder_id,
                cat,
                valid_from,
                valid_to,
                CERT_BODY[cat],
                doc,
                note,
            )
        )

    def _contacts(self, chunk: Chunk, elder_id: int, surname: str, sex: str, living: str) -> None:
        rnd = self.rng.random
        young = self._young_name
        people: list[tuple[str, str, bool]] = []  # (name, relation, lives together)
        second = rnd() < 0.5
        if living == "gugua":
            relation = ("relative", "neighbour", "carer", "friend")[int(rnd() * 4)]
            people.append((young(None, "M" if rnd() < 0.5 else "F"), relation, False))
            if second and rnd() < 0.8:
                people.append((young(None, "F"), "neighbour", False))
        else:
            child_sex = "M" if rnd() < 0.5 else "F"
            # A son of a father carries the family name; others often do too.
            child_surname = surname if (sex == "M" and child_sex == "M") or rnd() < 0.3 else None
            people.append((young(child_surname, child_sex), "child", living == "with_family"))
            if second:
                if living == "alone":
                    people.append((young(None, "M" if rnd() < 0.5 else "F"), "neighbour", False))
                elif living == "empty_nest":
                    spouse_sex = "F" if sex == "M" else "M"
                    given, cum = self.given[spouse_sex]
                    spouse = self.surnames[bisect.bisect(self.surname_cum, rnd() * self.surname_cum[-1])]
                    people.append((spouse + given[bisect.bisect(cum, rnd() * cum[-1])], "spouse", True))
                else:
                    people.append(
                        (
                            young(surname, "M" if rnd() < 0.5 else "F"),
                            "grandchild" if rnd() < 0.6 else "child",
                            living == "with_family",
                        )
                    )
        keyholder = len(people) if living == "alone" and rnd() < 0.3 else 0  # the neighbour when there is one
        enc, append = crypto.encrypt, chunk.contacts.append
        for priority, (name, relation, together) in enumerate(people, start=1):
            phone, masked = self._phone(0.95)
            append(
                (
                    elder_id,
                    name,
                    relation,
                    enc(phone),
                    masked,
                    priority == 1 or rnd() < 0.7,
                    priority == keyholder,
                    together,
                    priority,
                    "",
                )
            )


# -- writing ------------------------------------------------------------------------------------------


class Writer:
    """Writes chunks with binary COPY (PostgreSQL) or executemany (other backends).

    Binary COPY costs the client a third of the CPU of text COPY (psycopg dumps dates and numbers
    without formatting them) and the server parses it faster too; it needs the column types, read
    from the catalogue, and falls back to text for any type not known to be plain.
    """

    BINARY_TYPES = frozenset(
        {"bool", "int2", "int4", "int8", "float8", "text", "varchar", "date", "timestamptz"}
    )

    def __init__(self, now: datetime.datetime) -> None:
        self.tables = []
        for model, names in (
            (Elder, ELDER_FIELDS),
            (ElderContact, CONTACT_FIELDS),
            (Certification, CERT_FIELDS),
        ):
            table = model._meta.db_table
            columns, constants = _columns(model, names, now)
            self.tables.append((table, columns, constants, self._types(table, columns)))

    @staticmethod
    def _types(table: str, columns: list[str]) -> list[int] | None:
        """Type OIDs of ``columns`` for binary COPY, or None to use text COPY."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cur:
            cur.execute(
                "SELECT a.attname, a.atttypid, t.typname FROM pg_attribute a "
                "JOIN pg_type t ON t.oid = a.atttypid "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                [table],
            )
            found = {name: (oid, typname) for name, oid, typname in cur.fetchall()}
        if any(c not in found or found[c][1] not in Writer.BINARY_TYPES for c in columns):
            return None
        return [found[c][0] for c in columns]

    def write(self, chunk: Chunk) -> None:
        with connection.cursor() as cur:
            for (table, columns, constants, types), rows in zip(
                self.tables, (chunk.elders, chunk.contacts, chunk.certifications), strict=True
            ):
                if not rows:
                    continue
                if constants:
                    rows = [row + constants for row in rows]
                if connection.vendor == "postgresql":
                    binary = " (FORMAT BINARY)" if types else ""
                    with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN{binary}") as copy:
                        if types:
                            copy.set_types(types)
                        write_row = copy.write_row
                        for row in rows:
                            write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


@dataclass
class LoadResult:
    elders: int = 0
    contacts: int = 0
    certifications: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0  # generating and writing the rows
    index_seconds: float = 0.0  # recreating indexes and constraints, ANALYZE
    skipped: bool = False


_FORKED_GENERATOR: ElderGenerator | None = None  # what worker processes inherit


def _build_in_worker(args: tuple[int, int, list[Basics]]) -> Chunk:
    assert _FORKED_GENERATOR is not None
    return _FORKED_GENERATOR.build(*args)


def _worker_count(n: int) -> int:
    """Worker processes for building chunks: one per spare core, for large runs outside a transaction.

    Forking needs a process with no database connection to inherit, so not inside ``atomic()``.
    """
    cores = os.cpu_count() or 1
    if n < PARALLEL_MIN or cores < 2 or connection.in_atomic_block:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(cores - 1, 3)


def _chunks(
    generator: ElderGenerator, n: int, size: int, first_id: int, pool: Any, window: int
) -> Iterator[Chunk]:
    """Chunks in order; with a pool, up to ``window`` are being built while the caller writes."""
    plan: list[tuple[int, int, int]] = []
    start = 0
    while start < n:
        plan.append((len(plan), first_id + start, min(size, n - start)))
        start += size
    if pool is None:
        for index, chunk_first, count in plan:
            yield generator.build(index, chunk_first, generator.draw_basics(count))
        return
    pending: deque[Any] = deque()
    for index, chunk_first, count in plan:
        pending.append(
            pool.apply_async(_build_in_worker, ((index, chunk_first, generator.draw_basics(count)),))
        )
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def load_elders(
    plan: AreaPlan,
    n: int,
    *,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> LoadResult:
    """Generate and write ``n`` elders with their contacts and certifications, in one transaction.

    The loading process draws the ordered basics and writes; worker processes (forked, one per spare
    core) build the rows in between, so generation, COPY and the server's work overlap.
    """
    global _FORKED_GENERATOR
    started = time.perf_counter()
    today = timezone.localdate()
    writer = Writer(timezone.now())
    tables = [m._meta.db_table for m in (Elder, ElderContact, Certification)]
    first_id = (Elder.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    generator = ElderGenerator(plan, seed=seed, today=today)
    result = LoadResult()
    workers = _worker_count(n) if workers is None else (0 if connection.in_atomic_block else workers)
    pool = None
    if workers:
        connection.close()  # children must not inherit the socket; the next query reconnects
        _FORKED_GENERATOR = generator
        pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        with transaction.atomic():
            with BulkLoadMode(tables if n >= 50_000 else []):
                for chunk in _chunks(generator, n, chunk_size, first_id, pool, window=workers + 2):
                    writer.write(chunk)
                    result.elders += len(chunk.elders)
                    result.contacts += len(chunk.contacts)
                    result.certifications += len(chunk.certifications)
                    if progress:
                        progress(result.elders, time.perf_counter() - started)
                result.write_seconds = time.perf_counter() - started
            with connection.cursor() as cur:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Elder, ElderContact, Certification]
                ):
                    cur.execute(sql)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        _FORKED_GENERATOR = None
    refresh_after_load(tables)
    result.index_seconds = time.perf_counter() - started - result.write_seconds
    result.seconds = time.perf_counter() - started
    return result


# -- the whole demo -----------------------------------------------------------------------------------


@dataclass
class DemoResult:
    plan: AreaPlan
    logins: list[Login]
    load: LoadResult
    stat_cells: int
    filters: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    cleared: list[str] = field(default_factory=list)


def run_demo(
    *,
    elders: int = DEFAULT_ELDERS,
    district: str = DEMO_DISTRICT,
    seed: int = 42,
    reset: bool = False,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> DemoResult:
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = now - since
        return now

    t = started
    plan = build_areas(district, seed)
    t = lap("areas", t)
    logins = ensure_users(plan)
    filters = ensure_saved_filters()
    t = lap("users", t)
    cleared: list[str] = []
    if reset:
        with transaction.atomic():
            cleared = reset_registry()
        t = lap("reset", t)
    load = LoadResult(skipped=True)
    if elders > 0 and not Elder.objects.exists():
        load = load_elders(plan, elders, seed=seed, chunk_size=chunk_size, workers=workers, progress=progress)
        t = lap("elders", t)
    cells = stats.rebuild()
    t = lap("stats", t)
    if not load.skipped:
        audit.record_bulk(
            actor=None,
            object_type="people.elder",
            verb="elder.demo_load",
            area_path=plan.district.path,
            message=(
                f"生成演示数据：老年人 {load.elders}，联系人 {load.contacts}，经济类别认定 {load.certifications}"
                f"（随机种子 {seed}）"
            ),
            after={
                "elders": load.elders,
                "contacts": load.contacts,
                "certifications": load.certifications,
                "seed": seed,
                "district": district,
            },
        )
    return DemoResult(plan, logins, load, cells, filters, time.perf_counter() - started, timings, cleared)
