"""Name and place pools for the demo community (data, not UI strings).

Surnames are weighted the way they are found in northern Zhejiang (沈, 钱, 姚, 费, 陆 are more
common there than nationally); given names follow the fashions of each birth cohort, so a woman
born in 1938 is 秀英 or 桂英 and a girl born in 2016 is 梓涵 or 一诺.
"""

from __future__ import annotations

# (surname, weight)
SURNAMES: tuple[tuple[str, int], ...] = (
    ("沈", 60), ("王", 55), ("张", 45), ("陈", 45), ("李", 40), ("钱", 30), ("姚", 28), ("吴", 28),
    ("徐", 27), ("朱", 26), ("陆", 25), ("周", 25), ("刘", 24), ("杨", 22), ("费", 18), ("潘", 18),
    ("俞", 16), ("顾", 16), ("施", 15), ("孙", 15), ("胡", 15), ("金", 14), ("蒋", 14), ("黄", 14),
    ("邱", 12), ("马", 12), ("赵", 12), ("汤", 11), ("郑", 11), ("范", 10), ("高", 10), ("林", 10),
    ("何", 10), ("凌", 9), ("曹", 9), ("唐", 9), ("许", 9), ("严", 9), ("卢", 8), ("叶", 8),
    ("郭", 8), ("谢", 8), ("戴", 8), ("闵", 7), ("茅", 7), ("丁", 7), ("方", 7), ("宋", 7),
    ("韩", 6), ("邵", 6), ("史", 6), ("袁", 6), ("倪", 6), ("章", 6), ("汪", 6), ("蔡", 5),
    ("褚", 5), ("臧", 4), ("莫", 4), ("祝", 4), ("冯", 4), ("程", 4), ("罗", 4), ("夏", 4),
)

# Surnames of people who moved in from other provinces (floating population).
MIGRANT_SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 40), ("李", 40), ("张", 38), ("刘", 32), ("陈", 25), ("杨", 22), ("赵", 16), ("黄", 14),
    ("周", 12), ("吴", 12), ("孙", 10), ("胡", 10), ("朱", 9), ("高", 9), ("何", 8), ("郭", 8),
    ("马", 8), ("罗", 7), ("梁", 7), ("宋", 6), ("谢", 6), ("韩", 6), ("唐", 5), ("冯", 5),
    ("邓", 5), ("曹", 5), ("彭", 5), ("曾", 4), ("田", 4), ("余", 4), ("蒋", 4), ("魏", 4),
)

# Given names by birth cohort (upper bound of the birth year, exclusive) and gender.
GIVEN_NAMES: tuple[tuple[int, dict[str, tuple[str, ...]]], ...] = (
    (1950, {
        "F": ("秀英", "桂英", "凤英", "玉英", "金凤", "美英", "兰英", "彩英", "月娥", "杏娣", "宝珍",
              "根娣", "秀珍", "金娣", "玉珍", "秀兰", "菊英", "翠英", "阿妹", "雪珍", "梅英", "小妹"),
        "M": ("阿根", "根荣", "金根", "福根", "水根", "德明", "国良", "荣发", "志明", "全福", "炳荣",
              "兴福", "雪荣", "宝林", "松林", "永福", "金荣", "长林", "玉龙", "阿三", "友良", "阿大"),
    }),
    (1970, {
        "F": ("建英", "红英", "美华", "丽娟", "彩萍", "爱华", "月芳", "秀芳", "小英", "素琴", "建芬",
              "伟芬", "惠芳", "菊芬", "雪芳", "国英", "美娟", "林娟", "红梅", "海燕", "金娥", "建琴"),
        "M": ("建国", "国强", "卫东", "建华", "建军", "国平", "志刚", "永康", "国华", "伟民", "建明",
              "红卫", "跃进", "新华", "振华", "爱民", "建平", "学军", "国庆", "志强", "建林", "其良"),
    }),
    (1990, {
        "F": ("丽", "燕", "娟", "敏", "静", "婷", "芳", "丽萍", "晓燕", "红霞", "丽华", "雅琴",
              "海英", "春燕", "晓红", "丹丹", "小燕", "莉莉", "佳", "慧", "洁", "琴"),
        "M": ("伟", "强", "军", "磊", "勇", "斌", "杰", "涛", "明", "超", "海峰", "建峰", "晓东",
              "志华", "俊杰", "剑锋", "国栋", "海涛", "晓峰", "卫华", "良", "峰"),
    }),
    (2010, {
        "F": ("婷婷", "佳怡", "雨欣", "思琪", "欣怡", "梦瑶", "诗涵", "佳琪", "雅婷", "晓雯", "子涵",
              "心怡", "怡然", "静怡", "可欣", "紫涵", "雨萱", "嘉怡", "佳慧", "晨曦", "倩", "颖"),
        "M": ("浩", "宇", "鑫", "浩然", "子豪", "宇航", "俊杰", "文杰", "嘉豪", "梓豪", "天宇",
              "一鸣", "志豪", "博文", "家豪", "皓轩", "子轩", "思远", "晨", "阳", "凯", "帅"),
    }),
    (9999, {
        "F": ("梓涵", "一诺", "欣妍", "可馨", "若汐", "语桐", "芷若", "沐晨", "梓萱", "依诺", "诗雨",
              "雨桐", "安然", "思妍", "欣悦", "悦宁", "若曦", "书瑶", "佳宜", "语嫣", "梓玥", "晞"),
        "M": ("浩宇", "梓睿", "宇轩", "沐阳", "一航", "子墨", "浩轩", "睿泽", "俊熙", "奕辰", "铭轩",
              "宸宇", "逸凡", "锦程", "承泽", "子瑜", "嘉懿", "景行", "煜城", "昊然", "诺", "骁"),
    }),
)

# The first street keeps the names of the field reports; later streets take these names in order.
FIRST_STREET = "朝阳街道"
STREET_STEMS = (
    "爱山", "飞英", "月河", "龙泉", "凤凰", "康山", "仁皇", "滨湖", "杨家埠", "环渚", "道场", "埭溪",
    "东林", "八里店", "妙西", "织里", "白雀", "弁南", "戴山", "潞村", "太湖", "碧浪", "西山漾", "钱山漾",
)
STREET_FIRST_CHARS = "青金玉云清和安宁兴瑞"
STREET_SECOND_CHARS = "溪山湖桥林塘浦港岭园"

FIRST_COMMUNITY = "西林寺社区"
FIRST_VILLAGE = "野马村"
COMMUNITY_FIRST_CHARS = "东西南北新长永康景文"
COMMUNITY_SECOND_CHARS = "苑塘湾庄兴华盛丰荣泰"
VILLAGE_FIRST_CHARS = "荻陈杨徐横双高沙竹石"
VILLAGE_SECOND_CHARS = "港墩浜湾桥兜圩坝渡庙"

# The 22 residential compounds of a large mixed community, as the field report describes 西林寺:
# 8 commercial estates, 7 relocation estates, 3 urban villages and 4 self-built areas.
COMPOUNDS: tuple[tuple[str, str], ...] = (
    ("锦绣花园", "commercial"), ("阳光名都", "commercial"), ("翡翠城", "commercial"),
    ("金色地中海", "commercial"), ("御景湾", "commercial"), ("星汇半岛", "commercial"),
    ("滨湖雅苑", "commercial"), ("绿城百合园", "commercial"),
    ("西林新村一区", "relocation"), ("西林新村二区", "relocation"), ("西林新村三区", "relocation"),
    ("钟埭家园", "relocation"), ("朝阳安置小区", "relocation"), ("和美家园", "relocation"),
    ("幸福里", "relocation"),
    ("沈家埭", "urban_village"), ("陆家湾", "urban_village"), ("西林寺村", "urban_village"),
    ("北街", "self_built"), ("南塘", "self_built"), ("东港", "self_built"), ("后庄", "self_built"),
)

# Natural villages (自然村) are named after the families that settled them.
NATURAL_VILLAGE_SUFFIXES = ("埭", "浜", "湾", "斗", "桥", "角", "墩", "兜", "坝", "港", "庄", "圩")
NATURAL_VILLAGE_FAMILIES = ("张", "沈", "陆", "钱", "姚", "王", "朱", "徐", "陈", "吴", "俞", "潘",
                            "费", "施", "顾", "金", "蒋", "邱", "凌", "闵")

CHINESE_NUMERALS = ("〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 26 → 二十六 (enough for grid and group names)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens]
    return head + "十" + (CHINESE_NUMERALS[ones] if ones else "")


def street_name(index: int) -> str:
    """The name of the ``index``-th street (1-based), unique within the district."""
    if index == 1:
        return FIRST_STREET
    i = index - 2
    if i < len(STREET_STEMS):
        return STREET_STEMS[i] + "街道"
    i -= len(STREET_STEMS)
    a, b = divmod(i, len(STREET_SECOND_CHARS))
    stem = STREET_FIRST_CHARS[a % len(STREET_FIRST_CHARS)] + STREET_SECOND_CHARS[b]
    return stem + ("" if a < len(STREET_FIRST_CHARS) else str(a // len(STREET_FIRST_CHARS) + 1)) + "街道"


def _pair_name(index: int, first: str, second: str, suffix: str) -> str:
    a, b = divmod(index, len(second))
    stem = first[a % len(first)] + second[b]
    return stem + ("" if a < len(first) else str(a // len(first) + 1)) + suffix


def community_name(index: int) -> str:
    return FIRST_COMMUNITY if index == 1 else _pair_name(index - 2, COMMUNITY_FIRST_CHARS, COMMUNITY_SECOND_CHARS, "社区")


def village_name(index: int) -> str:
    return FIRST_VILLAGE if index == 1 else _pair_name(index - 2, VILLAGE_FIRST_CHARS, VILLAGE_SECOND_CHARS, "村")
