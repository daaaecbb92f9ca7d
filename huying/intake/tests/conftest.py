"""A county (tests/factories.py) and 12345 work-order exports written the way hotline
systems write them: messy phones, blank cells, text dates and Excel date cells, citizens'
own words rather than the catalogue's."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from tests.factories import World, build_world

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)

HEADERS = ["工单编号", "来电时间", "来电人", "联系电话", "工单标题", "诉求内容", "诉求地址",
           "诉求类型", "紧急程度", "所属镇街", "经度", "纬度", "是否保密"]

# Eight calls as a centre's export lists them. Towns of the test county: 海滨街道, 石岭镇.
CALLS: list[dict[str, object]] = [
    {"工单编号": "RC2026113000017", "来电时间": "2026/11/30 08:15", "来电人": "王女士",
     "联系电话": "138 1234 5678", "工单标题": "",
     "诉求内容": "海滨路和新华街路口往东那一排路灯，从上周开始晚上就不亮了，老人晚上出来遛弯"
                 "看不清路，希望尽快修一下。",
     "诉求地址": "海滨路与新华街交叉口东侧", "诉求类型": "城乡建设/市政设施/路灯不亮",
     "紧急程度": "一般", "所属镇街": "海滨街道", "经度": "", "纬度": "", "是否保密": "否"},
    {"工单编号": "RC2026113000042", "来电时间": datetime(2026, 11, 30, 9, 2),
     "来电人": "李先生", "联系电话": "0631-5812345", "工单标题": "小区门口烧烤店油烟",
     "诉求内容": "我家楼下开了个烧烤店，每天晚上烟呛得窗户都不敢开，孩子咳嗽，找过店老板"
                 "没用。",
     "诉求地址": "石岭镇幸福小区3号楼底商", "诉求类型": "餐饮油烟扰民", "紧急程度": "",
     "所属镇街": "石岭", "经度": 122.25, "纬度": 37.05, "是否保密": ""},
    {"工单编号": "RC2026113000058", "来电时间": "2026-11-30 10:41:09", "来电人": "",
     "联系电话": "13912345678", "工单标题": "",
     "诉求内容": "石岭中学东边那段路上有个井盖没了，黑乎乎一个大洞，刚才电动车差点掉进去！",
     "诉求地址": "石岭镇文化路石岭中学东侧", "诉求类型": "窨井盖缺失破损", "紧急程度": "特急",
     "所属镇街": "石岭镇", "经度": "", "纬度": "", "是否保密": "否"},
    {"工单编号": "RC2026113000063", "来电时间": "2026年11月30日 11:20", "来电人": "赵师傅",
     "联系电话": "（0631）7654321", "工单标题": "",
     "诉求内容": "小区里好几天没人来收垃圾了，垃圾桶都满出来了，味道很大。",
     "诉求地址": "海滨街道金海湾小区", "诉求类型": "其他/环境卫生", "紧急程度": "普通",
     "所属镇街": "", "经度": 122.05, "纬度": 37.05, "是否保密": ""},
    {"工单编号": "RC2026113000071", "来电时间": "2026/11/30 13:05", "来电人": "孙女士",
     "联系电话": "158-0631-2222", "工单标题": "",
     "诉求内容": "楼上邻居装修天天早上七点就开始砸墙，周末也不停，跟物业说了也不管。",
     "诉求地址": "海滨街道滨海花园8号楼", "诉求类型": "噪声扰民", "紧急程度": "",
     "所属镇街": "海滨街道", "经度": "", "纬度": "", "是否保密": "是"},
    {"工单编号": "RC2026113000088", "来电时间": "2026/11/30 14:30", "来电人": "周先生",
     "联系电话": "1381234", "工单标题": "", "诉求内容": "反映电梯经常停运。",
     "诉求地址": "", "诉求类型": "", "紧急程度": "", "所属镇街": "海滨街道", "经度": "",
     "纬度": "", "是否保密": ""},
    {"工单编号": "RC2026113000095", "来电时间": "2026/11/30 15:12", "来电人": "吴女士",
     "联系电话": "13700001111", "工单标题": "", "诉求内容": "   ",
     "诉求地址": "石岭镇", "诉求类型": "", "紧急程度": "", "所属镇街": "石岭镇", "经度": "",
     "纬度": "", "是否保密": ""},
    {"工单编号": "RC2026113000102", "来电时间": "2026/11/30 16:48", "来电人": "郑先生",
     "联系电话": "13600002222", "工单标题": "",
     "诉求内容": "村东头有人在河边烧秸秆，烟很大，刮到村里来了。",
     "诉求地址": "东岗村", "诉求类型": "露天焚烧秸秆垃圾", "紧急程度": "加急",
     "所属镇街": "东岗镇", "经度": "", "纬度": "", "是否保密": ""},
]
# What the import makes of them.
GOOD = ["RC2026113000017", "RC2026113000042", "RC2026113000058", "RC2026113000063",
        "RC2026113000071"]
BAD = {"RC2026113000088": "reporter_phone", "RC2026113000095": "description",
       "RC2026113000102": "town"}


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def world(db, now) -> World:
    return build_world(now)


def xlsx_bytes(rows: list[dict[str, object]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) if row.get(h) != "" else None for h in headers])
    for cell in sheet["B"][1:]:
        if isinstance(cell.value, datetime):
            cell.number_format = "yyyy/m/d h:mm"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict[str, object]], headers: list[str] = HEADERS,
              encoding: str = "gbk") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        values = []
        for h in headers:
            value = row.get(h, "")
            values.append(value.strftime("%Y/%m/%d %H:%M") if isinstance(value, datetime)
                          else value)
        writer.writerow(values)
    return out.getvalue().encode(encoding)


PLACES = [("海滨街道", "海滨路{n}号"), ("石岭镇", "石岭镇文化路{n}号"), ("海滨", "新华街{n}号"),
          ("石岭", "石岭镇幸福小区{n}号楼")]
WORDS = [("路灯不亮", "门口路灯坏了好几天，晚上黑漆漆的，{n}号楼前尤其暗。"),
         ("占道经营", "早市的摊子都摆到马路中间了，车过不去，{n}路公交经常堵着。"),
         ("生活垃圾清运不及时", "垃圾桶{n}天没人清了，满地都是，夏天招苍蝇。"),
         ("市政/道路路面破损坑洼", "路上有个大坑，下雨积水，昨天{n}个人骑车摔了。"),
         ("咨询/其他", "想问问老年证在哪里办，需要带什么材料，{n}岁能办吗。")]


def many_calls(count: int, *, prefix: str = "SL2026120") -> list[dict[str, object]]:
    """`count` distinct, valid work orders of varied towns, types and phone spellings."""
    rows = []
    for n in range(count):
        town, address = PLACES[n % len(PLACES)]
        matter, words = WORDS[n % len(WORDS)]
        rows.append({
            "工单编号": f"{prefix}{n:05d}", "来电时间": f"2025/11/{1 + n % 29:02d} "
                                                f"{8 + n % 10:02d}:{n % 60:02d}",
            "来电人": ["王女士", "刘先生", "", "陈大爷"][n % 4],
            "联系电话": [f"138 1234 {n:04d}", f"0631-58{n:05d}", "", f"139{n:08d}"][n % 4],
            "诉求内容": words.format(n=n % 97 + 2), "诉求地址": address.format(n=n % 50 + 1),
            "诉求类型": matter, "紧急程度": ["一般", "", "紧急", "普通"][n % 4],
            "所属镇街": town, "是否保密": "否"})
    return rows
