"""Word lists and small text tests shared by the approach and definition rules.

All lists are in simplified script; callers match a simplified copy of the text.
"""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
OPEN_QUOTES = '“「『"'
CLOSE_QUOTES = '”」』"'
_OPEN_FOR = {"”": "“", "」": "「", "』": "『", '"': '"'}

#: Words that end a named program or mechanism.
SUFFIXES = (
    "工作法", "责任制", "工作室", "工程", "机制", "制度", "办法", "计划", "行动", "模式",
    "平台", "活动", "体系", "品牌",
)  # fmt: skip
#: Nouns that follow ``X式`` in a named method (订单式培训, 调研式考察).
METHOD_NOUNS = ("培训", "服务", "考察", "管理", "教学", "调研", "宣讲", "帮扶", "评议", "教育")
METHOD_RE = re.compile(rf"[{HAN}]{{2}}[式制](?:{'|'.join(METHOD_NOUNS)})$")

#: Verbs that adopt a practice: 推行“…”, 实施“…”.
ADOPTING = (
    "推行", "实施", "开展", "建立", "探索", "打造", "创新", "构建", "推进", "深化", "建设",
    "形成", "启动", "试行", "推广", "实行", "创建", "搭建", "设立", "开办", "举办", "创办",
    "组建", "落实", "完善", "健全", "引入", "制定", "出台", "确立", "构筑", "拓展", "推出",
    "创立", "成立", "培育", "叫响", "擦亮", "首创", "开设", "建成", "开通", "上线", "启用",
    "设置", "创设", "发起",
)  # fmt: skip
#: Verbs that govern a name without belonging to it; the name starts after them.
GOVERNING = frozenset(ADOPTING) - {"创新", "建设"} | frozenset(
    (
        "修订", "推动", "加强", "抓好", "执行", "贯彻", "运用", "借助", "依托", "采取", "采用",
        "发挥", "营造", "树立", "强化", "坚持", "围绕", "结合", "通过", "按照", "根据", "依据",
        "针对", "聚焦", "着眼", "实现", "参与", "参加", "纳入", "列入", "作为", "提出", "印发",
        "下发", "完成", "召开", "进行", "用好", "抓实", "统筹", "研究制定", "建立健全",
    )
)  # fmt: skip
_ADVERBS = ("积极", "深入", "大力", "全面", "着力", "认真", "切实", "不断", "持续", "重点",
            "率先", "创新", "探索", "逐步", "统筹", "研究", "进一步", "组织")  # fmt: skip

#: Words that name nothing in particular: a name made only of these is generic.
GENERIC_WORDS = frozenset(
    """工作 管理 考核 长效 运行 保障 激励 评价 考评 监督 服务 组织 组织工作 党建 党建工作
    基层 基层党建 干部 人才 人才工作 领导 领导干部 领导班子 创新 改革 改革创新 体制 制度
    机制 模式 平台 活动 体系 责任 协调 联动 良性 有效 相关 有关 各项 培养 培训 教育 学习
    规范化 制度化 常态化 程序化 科学化 精细化 标准化 专业化 规章 规章制度
    选人用人 用人 能上能下 激励约束 奖惩 督查 问责 考核评价 沟通协调 议事 决策 会议
    发展 目标 绩效 选拔 任用 特色 调研 研究 调查研究 科学 规范 常态 日常 新 新型
    现代化 经济 理论 治理 政治 思想 作风 队伍 班子 党员 党组织 群众 社会 单位 部门 综合
    实践 民主 重点 重大 思路 方法 措施 举措 做法 经验 实施 良好 完善 健全 一套 各类
    检查 督促 审核 审批 报告 请示 汇报 登记 备案 公示 通报 考察 谈话 交流 轮岗 帮扶 联系
    走访 值班 例会 约谈 述职 评议 管理工作 考核工作""".split()
)
GENERIC_TAILS = ("理论体系", "经济体系", "治理体系", "组织体系", "产业体系", "政策体系", "体制机制")

TITLE_RE = re.compile(r"《([^《》\n]{2,60})》")
QUOTE_RE = re.compile(
    r"“([^“”\n]{1,40})”|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』|\"([^\"\n]{1,40})\""
)
#: Besides :data:`SUFFIXES`, words that mark a quoted name followed by them (“…”清单).
FOLLOWERS = (
    "名牌", "载体", "清单", "项目", "驿站", "服务队", "工作站", "服务站", "讲堂", "课堂",
    "学堂", "联盟", "党课", "主题党日", "考核法", "评价法", "管理法", "考察法", "议事法",
    "识别法", "示范点", "示范区", "试点",
)  # fmt: skip
#: Endings that make a quoted name a practice by themselves (“达标工程”, “枫桥经验”).
OWN_ENDINGS = (*SUFFIXES, "经验", "清单", "驿站", "讲堂", "工作站", "服务队", "联盟")
#: What may follow a quoted name to mark it as a practice: “…”服务, “…”人才工程.
FOLLOW_RE = re.compile(
    rf"服务|(?:(?![的等和与及])[{HAN}]){{0,6}}?(?:{'|'.join((*SUFFIXES, *FOLLOWERS))})"
)
#: 以“…”创建为抓手: the quoted name is the lever of the work.
LEVER_RE = re.compile(rf"[{HAN}]{{0,4}}?为(?:抓手|载体|平台|牵引|切入点|突破口|主线|引领)")
GOVERNING_RE = re.compile(rf"(?:{'|'.join(ADOPTING)})[了起出]?$")
_CHAIN_RE = re.compile(r"[、和与及]?(?:“[^“”\n]{1,20}”|「[^「」\n]{1,20}」|『[^『』\n]{1,20}』)")


_GENERIC_PIECES = GENERIC_WORDS | GOVERNING | frozenset(_ADVERBS)


def is_governing(word: str) -> bool:
    """Tell whether ``word`` is a governing verb, bare or after an adverb.

    >>> is_governing("实施"), is_governing("深入开展"), is_governing("提升")
    (True, True, False)
    """
    if word in GOVERNING:
        return True
    return any(word.endswith(verb) and word[: -len(verb)] in _ADVERBS for verb in GOVERNING)


def is_generic(name: str) -> bool:
    """Tell whether ``name`` (simplified) names nothing in particular.

    >>> is_generic("人才工作运行机制"), is_generic("党员素质提升工程"), is_generic("长效机制")
    (True, False, True)
    """
    if name in GENERIC_WORDS or name.endswith(GENERIC_TAILS):
        return True
    core = name
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            core = name[: -len(suffix)]
            break
    if len(core) <= 1:
        return True
    # can the core be cut into generic words and governing verbs only?
    covered = [True] + [False] * len(core)
    for i in range(1, len(core) + 1):
        covered[i] = any(
            covered[i - k] and (core[i - k : i] in _GENERIC_PIECES) for k in range(1, min(i, 5) + 1)
        )
    return covered[-1]


def skip_quote_chain_forward(simple: str, pos: int) -> int:
    """Return the offset after the quoted names chained at ``pos``.

    >>> skip_quote_chain_forward("“甲”“乙”、“丙”工作机制", 3)
    10
    """
    while match := _CHAIN_RE.match(simple, pos):
        pos = match.end()
    return pos


def skip_quote_chain_back(simple: str, pos: int) -> int:
    """Return the offset of the first opening quote of the chain whose last one is at ``pos``.

    >>> skip_quote_chain_back("实施了“甲”“乙”工作机制", 6)
    3
    """
    while pos > 0:
        close = pos - 1
        if simple[close] in "、和与及" and close > 0 and simple[close - 1] in CLOSE_QUOTES:
            close -= 1
        if simple[close] not in CLOSE_QUOTES:
            break
        opening = simple.rfind(_OPEN_FOR[simple[close]], max(0, close - 21), close)
        if opening < 0:
            break
        pos = opening
    return pos
