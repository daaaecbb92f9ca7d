"""The related matter types (相关事项) the platform starts with, by code of the bundled
92-item catalogue: pairs a caller and a grid worker often use for one problem, so duplicate
finding treats them almost as the same matter. `0006_matter_relation_seed` seeded a frozen
copy of this list; `matter_relations_seed` adds the missing pairs and never removes one
(tests call it: transactional tests flush the rows the migration seeded).

Each pair is one problem seen from two sides, not two problems that happen together: a
construction site's noise and its safety are different matters and are not listed."""

from __future__ import annotations

from typing import Any

from huying.common import memo

# (code, code, why): the reason is for the administrator reading the admin list.
RELATION_SEED: list[tuple[str, str, str]] = [
    ("M044", "M045", "积水往往因排水管道堵塞，同一处既报积水又报冒水"),
    ("M045", "M001", "雨污水井冒溢与井盖破损常在同一井口"),
    ("M044", "M089", "供水管爆裂漏水淹了路面，群众报作积水"),
    ("M001", "M039", "井盖下沉破损与路面塌陷坑洼常被混报"),
    ("M011", "M012", "河水发黑发臭多由企业偷排"),
    ("M011", "M046", "河面垃圾漂浮与水体污染同属一段河道"),
    ("M011", "M014", "危险废物倒进河沟即是水体污染"),
    ("M011", "M057", "病死畜禽丢进河里，群众报作河水污染"),
    ("M012", "M014", "企业偷排废液与倾倒危废常是同一行为"),
    ("M016", "M073", "夜间施工噪声常被报作一般噪声扰民"),
    ("M071", "M073", "楼上楼下噪声是最常见的邻里纠纷"),
    ("M005", "M013", "油烟与废气异味，群众都说“味道呛人”"),
    ("M013", "M015", "焚烧秸秆垃圾的烟味被报作废气异味"),
    ("M015", "M053", "野外焚烧与违规用火难分"),
    ("M008", "M054", "农村垃圾不清运即是人居环境脏乱差"),
    ("M087", "M088", "线路故障造成停电，报停电与报线路隐患"),
    ("M002", "M087", "整条街黑了，报路灯不亮或报停电"),
    ("M041", "M087", "停电使信号灯熄灭"),
    ("M088", "M092", "垂落的线缆，群众分不清电力线还是通信线"),
    ("M009", "M088", "树枝压断或搭上电线"),
    ("M009", "M040", "倒伏的树挡住道路"),
    ("M020", "M090", "饭店液化气瓶漏气即燃气泄漏隐患"),
    ("M017", "M018", "企业违规储存危化品是安全生产隐患"),
    ("M065", "M042", "车辆停在消防通道上"),
    ("M065", "M010", "楼道杂物堵住疏散通道"),
    ("M066", "M010", "电动车停在楼道里充电"),
    ("M066", "M065", "电动车堵住消防通道"),
    ("M003", "M022", "流动摊贩占道又无证照"),
    ("M004", "M058", "农村违法建设多是宅基地违规建房"),
    ("M050", "M058", "在耕地上建房"),
    ("M047", "M051", "河道采砂与非法采矿采石同类"),
    ("M037", "M007", "外墙招牌坠落与房屋外立面隐患"),
    ("M037", "M049", "山体滑坡威胁房屋安全"),
    ("M026", "M035", "电梯坏了找物业"),
    ("M091", "M035", "暖气不热，群众先投诉物业"),
    ("M023", "M075", "吃坏肚子报食品安全或食物中毒"),
    ("M024", "M025", "预付卡退费是消费纠纷"),
    ("M025", "M027", "乱收费的投诉也报作消费纠纷"),
    ("M060", "M034", "渔船船员讨要工钱"),
    ("M060", "M067", "欠薪引起聚集讨薪"),
    ("M068", "M069", "扬言伤人者可能是精神障碍患者"),
    ("M070", "M084", "家庭暴力常报作家庭纠纷"),
    ("M074", "M071", "养狗扰邻引起纠纷"),
    ("M081", "M082", "独居老人生活困难申请救助"),
    ("M083", "M082", "流浪人员的临时救助"),
    ("M086", "M082", "困境儿童家庭申请救助"),
    ("M029", "M032", "恶劣天气出海的渔船常关闭北斗"),
    ("M030", "M033", "休渔期偷捕常用禁用渔具"),
    ("M030", "M031", "三无船舶休渔期偷捕"),
    ("M019", "M072", "三合一场所住的多是未登记的流动人口"),
    ("M061", "M062", "社保与医保待遇常一起问"),
    ("M062", "M063", "医保报销中的骗保线索"),
    ("M079", "M080", "校门口接送车辆超载即校园周边隐患"),
]


def matter_relations_seed(*, relation_model: Any, using: str = "default") -> int:
    """Create the seed pairs that are missing; answer how many were created."""
    existing = {frozenset(p) for p in
                relation_model.objects.using(using).values_list("code_a", "code_b")}
    rows = []
    for a, b, note in RELATION_SEED:
        if frozenset((a, b)) in existing:
            continue
        existing.add(frozenset((a, b)))
        low, high = sorted((a, b))
        rows.append(relation_model(code_a=low, code_b=high, note=note))
    relation_model.objects.using(using).bulk_create(rows)
    if rows:
        memo.forget("lists")  # bulk_create sends no post_save
    return len(rows)
