"""`demo-telecom`: Huayu Telecom Contact Centre, a call centre in Shanghai and Chengdu whose two teams
each serve one client, Eastern Mobile and Pacific Broadband (data only, in Chinese)."""

# Chinese text keeps its own punctuation (full-width brackets, commas and colons; the times sign).

from __future__ import annotations

import datetime as dt

from csm.accounts.models import UnitKind
from csm.catalogue.models import Channel as C
from csm.catalogue.models import CharacteristicKind as K
from csm.catalogue.models import Direction, Openness, Staffing
from csm.demo.spec import (
    PEOPLE,
    CalendarSpec,
    CharacteristicSpec,
    FaceSpec,
    LineSpec,
    OrgSpec,
    PointSpec,
    PointTemplate,
    ServiceSpec,
    UnitSpec,
)

STAFFED, UNSTAFFED = Staffing.STAFFED, Staffing.UNSTAFFED
CENTRES = ("上海浦东基地 5 楼", "成都高新基地 3 楼")
STORES = ("上海南京东路营业厅", "上海徐家汇营业厅", "成都春熙路营业厅", "成都天府广场营业厅")
DISTRICTS = ("上海浦东新区", "上海徐汇区", "成都武侯区", "成都高新区")

CLIENTS = (("em", "东方移动", "EM"), ("pb", "太平洋宽带", "PB"))

UNITS = (
    UnitSpec("sh", UnitKind.SITE, "上海呼叫中心", code="SH"),
    UnitSpec("cd", UnitKind.SITE, "成都呼叫中心", code="CD"),
    UnitSpec("sh-pd", UnitKind.BRANCH, "浦东分部", parent="sh", code="SH-PD"),
    UnitSpec("cd-gx", UnitKind.BRANCH, "高新分部", parent="cd", code="CD-GX"),
    UnitSpec("sh-cs", UnitKind.DEPARTMENT, "客户服务部", parent="sh-pd", code="SH-CS"),
    UnitSpec("sh-qa", UnitKind.DEPARTMENT, "质量管理部", parent="sh-pd", code="SH-QA"),
    UnitSpec("sh-cp", UnitKind.DEPARTMENT, "投诉处理部", parent="sh-pd", code="SH-CP"),
    UnitSpec("cd-cs", UnitKind.DEPARTMENT, "客户服务部（成都）", parent="cd-gx", code="CD-CS"),
    UnitSpec("cd-ts", UnitKind.DEPARTMENT, "技术支持部", parent="cd-gx", code="CD-TS"),
    UnitSpec("em-team", UnitKind.TEAM, "东方移动服务团队", parent="sh-cs", code="T-EM", client="em"),
    UnitSpec("pb-team", UnitKind.TEAM, "太平洋宽带服务团队", parent="cd-cs", code="T-PB", client="pb"),
)

HOTLINE = ServiceSpec(
    key="hotline", name="10000 号客服热线", code="HOTLINE", unit="sh-cs",
    description="7×24 小时语音客服：业务咨询、办理与故障报修。",
    points=(
        PointSpec("ivr", "IVR 语音导航", UNSTAFFED, C.PHONE, "10000 主菜单", "sh-cs", "按键与语音识别自助服务。"),
        PointSpec("agent-em", "人工坐席（东方移动）", STAFFED, C.PHONE, CENTRES[0], "em-team"),
        PointSpec("agent-pb", "人工坐席（太平洋宽带）", STAFFED, C.PHONE, CENTRES[1], "pb-team"),
        PointSpec("chat", "在线客服", STAFFED, C.CHAT, "官网与 App 内", "sh-cs"),
        PointSpec("sms-survey", "满意度短信回访", UNSTAFFED, C.PHONE, "短信 10000", "sh-qa",
                  "通话结束后发送 1-5 分评价短信。"),
    ),
    templates=(
        PointTemplate("人工坐席 {n} 号", STAFFED, C.PHONE, "{place}", CENTRES),
        PointTemplate("IVR 子菜单 {n}", UNSTAFFED, C.PHONE, "{place}", ("10000 主菜单", "10000 英文菜单")),
    ),
)

BILLING = ServiceSpec(
    key="billing", name="账单查询", code="BILL", unit="sh-cs",
    description="话费与宽带账单的查询、解释与缴费。",
    points=(
        PointSpec("app-bill", "手机营业厅 App 账单页", UNSTAFFED, C.WEB, "App「我的账单」", "sh-cs"),
        PointSpec("e-bill", "电子账单邮件", UNSTAFFED, C.EMAIL, "", "sh-cs"),
        PointSpec("paper-bill", "纸质账单", UNSTAFFED, C.LETTER, "邮寄", "sh-cs"),
        PointSpec("bill-sms", "账单短信提醒", UNSTAFFED, C.PHONE, "短信 10000", "sh-cs"),
        PointSpec("pay-kiosk", "自助缴费机", UNSTAFFED, C.KIOSK, STORES[0], "sh-cs"),
        PointSpec("counter", "营业厅柜台", STAFFED, C.IN_PERSON, STORES[0], "sh-cs"),
        PointSpec("wechat", "微信公众号", UNSTAFFED, C.SOCIAL, "「华宇客服」公众号", "sh-cs"),
    ),
    templates=(
        PointTemplate("自助缴费机 {n} 号", UNSTAFFED, C.KIOSK, "{place}", STORES),
        PointTemplate("营业厅柜台 {n} 号窗口", STAFFED, C.IN_PERSON, "{place}", STORES),
    ),
)

BROADBAND = ServiceSpec(
    key="broadband", name="宽带安装", code="BB", unit="cd-ts",
    description="太平洋宽带新装与移机：预约、上门安装与验收。",
    points=(
        PointSpec("bb-order", "网上预约安装", UNSTAFFED, C.WEB, "太平洋宽带官网", "pb-team"),
        PointSpec("bb-confirm", "上门预约确认电话", STAFFED, C.PHONE, CENTRES[1], "pb-team"),
        PointSpec("engineer", "装维工程师上门", STAFFED, C.IN_PERSON, "客户家中", "cd-ts",
                  "安装光猫、布线并现场测速。"),
        PointSpec("bb-done", "安装完成短信", UNSTAFFED, C.PHONE, "短信 10000", "pb-team"),
        PointSpec("bb-track", "微信进度查询", UNSTAFFED, C.SOCIAL, "「华宇客服」公众号", "pb-team"),
    ),
    templates=(
        PointTemplate("装维工程师 {n} 组", STAFFED, C.IN_PERSON, "{place}", DISTRICTS),
    ),
)

COMPLAINTS = ServiceSpec(
    key="complaints", name="投诉受理台", code="CMP", unit="sh-cp",
    description="投诉的受理、升级、处理与回访。",
    points=(
        PointSpec("cmp-agent", "投诉热线坐席", STAFFED, C.PHONE, CENTRES[0], "sh-cp"),
        PointSpec("cmp-form", "在线投诉表单", UNSTAFFED, C.WEB, "官网「我要投诉」", "sh-cp"),
        PointSpec("cmp-callback", "投诉处理专员回访", STAFFED, C.PHONE, CENTRES[0], "sh-cp"),
        PointSpec("cmp-counter", "营业厅投诉窗口", STAFFED, C.IN_PERSON, STORES[2], "sh-cp"),
        PointSpec("cmp-weibo", "微博客服", STAFFED, C.SOCIAL, "@华宇客服", "sh-cp"),
    ),
    templates=(
        PointTemplate("投诉专席 {n}", STAFFED, C.PHONE, "{place}", CENTRES),
    ),
)

LINES = (
    LineSpec("hotline", "来电服务流程", Direction.ONE_WAY, ("ivr", "agent-em", "sms-survey")),
    LineSpec("billing", "账单查询与缴费", Direction.ONE_WAY, ("bill-sms", "app-bill", "pay-kiosk")),
    LineSpec("broadband", "宽带安装旅程", Direction.ONE_WAY, ("bb-order", "bb-confirm", "engineer", "bb-done")),
    LineSpec("complaints", "投诉回访闭环", Direction.ROUND_TRIP, ("cmp-agent", "cmp-callback"),
             "受理后 48 小时内回访，客户不满意则重新处理。"),
)

FACES = (
    FaceSpec("hotline", "电话服务界面", Openness.FULLY_OPEN, ("ivr", "agent-em", "agent-pb", "chat"),
             ("来电服务流程",)),
    FaceSpec("hotline", "东方移动专席", Openness.SEMI_OPEN, ("agent-em",), description="仅面向东方移动用户。"),
    FaceSpec("billing", "营业厅", Openness.FULLY_OPEN, ("counter", "pay-kiosk")),
    FaceSpec("broadband", "上门服务", Openness.SEMI_OPEN, ("bb-confirm", "engineer"), ("宽带安装旅程",),
             "仅面向已下单的太平洋宽带用户。"),
    FaceSpec("complaints", "投诉受理界面", Openness.FULLY_OPEN,
             ("cmp-agent", "cmp-form", "cmp-counter", "cmp-weibo")),
)

CHARACTERISTICS = (
    CharacteristicSpec(K.VENUE, "营业厅环境整洁、排队区有座位", ("counter", "cmp-counter")),
    CharacteristicSpec(K.FACILITIES, "自助缴费机可用率", ("pay-kiosk",)),
    CharacteristicSpec(K.SUPPLIES, "光猫与安装材料齐全", ("engineer",)),
    CharacteristicSpec(K.STAFF, "坐席专业度与礼貌用语", ("agent-em", "agent-pb", "chat", "cmp-agent")),
    CharacteristicSpec(K.GRADE, "五星级服务标准", ("agent-em", "agent-pb")),
    CharacteristicSpec(K.CONTENT, "套餐与资费信息准确", ("app-bill", "agent-em", "agent-pb")),
    CharacteristicSpec(K.PROCEDURE, "投诉受理与升级流程", ("cmp-agent", "cmp-form", "cmp-callback")),
    CharacteristicSpec(K.METHOD, "电话、App、微信多渠道办理", ("ivr", "app-bill", "wechat")),
    CharacteristicSpec(K.TIME, "20 秒内接通率不低于 80%", ("agent-em", "agent-pb")),
    CharacteristicSpec(K.FEE, "账单清晰、无不明扣费", ("app-bill", "e-bill", "paper-bill")),
    CharacteristicSpec(K.VALUE_ADDED, "安装后免费网络测速", ("engineer",)),
    CharacteristicSpec(K.BRAND, "东方移动 VIP 专席服务", ("agent-em",)),
)

SPLIT_SHIFT = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(18, 0)))
CALENDARS = (
    CalendarSpec(
        "客服中心", "Asia/Shanghai", "CN",
        intervals=tuple((day, start, end) for day in range(5) for start, end in SPLIT_SHIFT),
        holidays=((dt.date(2026, 1, 23), "公司年会"),),
        is_default=True,
    ),
    CalendarSpec(
        "热线 7×24", "Asia/Shanghai", "CN",
        intervals=tuple((day, dt.time(0, 0), dt.time.max) for day in range(7)),
        # The hotline answers on public holidays too.
        include_public_holidays=False,
    ),
)

TELECOM_ORG = OrgSpec(
    slug="demo-telecom",
    name="Huayu Telecom Contact Centre",
    country="CN",
    timezone="Asia/Shanghai",
    language="zh-hans",
    email_domain="demo-telecom.example",
    clients=CLIENTS,
    units=UNITS,
    services=(HOTLINE, BILLING, BROADBAND, COMPLAINTS),
    lines=LINES,
    faces=FACES,
    characteristics=CHARACTERISTICS,
    calendars=CALENDARS,
    people=PEOPLE,
    given_names=("芳", "伟", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
                 "秀英", "晓东", "雨桐"),
    family_names=("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"),
    full_name_format="{family}{given}",
)
