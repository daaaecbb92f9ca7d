"""Write `huying/duplicates/data/evaluation.json`, the labelled pairs duplicate finding is
measured on (`bench/duplicates.py`, `huying duplicates judge`).

The texts below were written by hand for this set, not taken from the catalogue's keywords or
examples: 26 scenes, each one place with two different problems (A and B) and three to four
reports of each, worded the way they arrive — a 12345 caller's rambling call, a grid
worker's terse note, a citizen's line on the app, typos and homophones included. The pairs
are drawn from them with a fixed seed:

- duplicates: two reports of the same problem at the same scene, hours apart, their points
  up to ~150 m apart (a caller's geocoded address against a grid worker's GPS), some
  without a point (a call with no location), matters recorded on some sides only, some of
  them a related matter (积水 against 排水管堵塞);
- hard negatives: the other problem at the same place or building within the window; the
  same problem at the same place weeks later (a new occurrence, not a duplicate);
- easy negatives: reports of two different scenes, a kilometre or more apart.

Every pair carries `group` (its scenes) so the benchmark splits by scene: no text of the
held-out part is seen while tuning.

    python scripts/duplicates_evaluation.py
"""

# ruff: noqa: E501  (the reports are kept on one line each, as they were written)
from __future__ import annotations

import itertools
import json
import math
import random
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "huying" / "duplicates" / "data" / "evaluation.json"

# scene: (A matter, B matter, A reports, B reports); a report is (channel, text, matter
# override or None). A matter override is the code a classifier or a clerk might have put
# on that report instead (a related matter, or another guess).
SCENES: list[tuple[str, str, list[tuple[str, str, str | None]], list[tuple[str, str, str | None]]]] = [
    ("M089", "M041", [
        ("12345", "喂你好，我要反映个事，就是幸福路跟建设街那个十字路口，东南角那块地下的自来水管子好像爆了，"
                  "水一直往外冒，都漫到马路上了，早上上班的人都得绕着走，你们赶紧找人来看看吧", None),
        ("grid", "幸福路建设街口东南角供水管破裂，路面大量积水，已设警示。", None),
        ("web", "建设街路口往外冒水半天了，像是水管裂了，浪费太严重", "M044"),
        ("12345", "幸福路建设街口子那以经冒水冒了一上午了，再不修整条路都要被水泡坏了", None),
    ], [
        ("12345", "幸福路和建设街路口的红绿灯从昨晚开始就不亮了，车和人都乱走，特别危险，能不能尽快修一下", None),
        ("grid", "幸福路建设街交叉口信号灯故障，四向均不亮。", None),
        ("city_management", "路口信号灯黑屏，交通秩序混乱，请交警处理", None),
    ]),
    ("M026", "M010", [
        ("12345", "阳光花园5号楼的电梯又坏了，卡在七楼不动，我家老人腿脚不好上不去楼，物业说等厂家，都两天了", None),
        ("grid", "阳光花园5号楼电梯故障停运，居民反映强烈。", None),
        ("web", "5号楼电梯停了，楼里好多老人，爬楼太难了，希望快点修好", "M035"),
    ], [
        ("12345", "阳光花园5号楼楼道里堆满了纸箱子和旧家具，一楼到三楼都是，万一着火人都跑不出去", None),
        ("grid", "阳光花园5号楼楼道杂物堆积，堵塞疏散通道。", None),
        ("web", "五号楼楼梯间被杂物堵了，有人还在那放了旧沙发", "M065"),
    ]),
    ("M008", "M003", [
        ("12345", "东关菜市场后门那个垃圾点，垃圾堆了好几天没人拉走，臭得不行，苍蝇到处飞，这大热天的", None),
        ("grid", "东关农贸市场后门垃圾点满溢，未及时清运。", None),
        ("web", "菜市场后面垃圾桶都冒尖了，味道很大，好几天没清了", None),
    ], [
        ("12345", "东关菜市场门口那些卖菜的都摆到马路中间了，车根本过不去，早上堵得要命", None),
        ("grid", "东关农贸市场门口流动摊贩占道经营，影响通行。", None),
        ("city_management", "市场门口小商贩占道，三轮车乱停，路都堵死了", "M042"),
    ]),
    ("M011", "M047", [
        ("12345", "青石桥底下那段河水这两天突然变成黑的了，还有一股臭鸡蛋味，怀疑是上游哪个厂子偷着排污水", None),
        ("grid", "青石桥段河道水体发黑发臭，疑似企业排污。", "M012"),
        ("web", "桥下河水黑乎乎的，还飘着白沫子，味道熏人", None),
    ], [
        ("12345", "青石桥往北一点河道里晚上有人开着挖掘机挖沙子，轰隆隆的一夜，河岸都挖塌了", None),
        ("grid", "青石桥北侧河道夜间有非法采砂行为。", None),
        ("web", "河边半夜有车拉沙，河床被挖得坑坑洼洼", None),
    ]),
    ("M005", "M073", [
        ("12345", "红星小区3号楼底下新开了一家烧烤店，油烟直接往楼上冒，我家窗户都不敢开，衣服晾出去全是味", None),
        ("grid", "红星小区3号楼底商烧烤店油烟直排扰民。", None),
        ("web", "楼下烧烤店烟太大了，熏的家里全是油烟味", "M013"),
    ], [
        ("12345", "红星小区3号楼旁边小广场每天晚上跳广场舞，音响开得震天响，十点多了还不停，孩子没法写作业", None),
        ("grid", "红星小区3号楼旁广场舞音响噪声扰民。", None),
        ("web", "晚上广场舞太吵了，音箱声音特别大", "M071"),
    ]),
    ("M039", "M002", [
        ("12345", "人民路中段靠近邮政局那，路上有个大坑，昨天晚上一辆电动车就摔在那了，这坑越来越大", None),
        ("grid", "人民路邮政局门前路面塌陷坑洼，约1平方米。", None),
        ("web", "邮局门口马路上的坑太深了，下雨积水根本看不出来，很危险", None),
        ("city_management", "人民路邮政局段路面破损，有坑槽。", None),
    ], [
        ("12345", "人民路邮政局那一段路灯全黑了，晚上走路啥也看不见，已经好几天了", None),
        ("grid", "人民路中段路灯不亮，约8盏。", None),
        ("web", "邮局附近路灯坏了一片，晚上黑咕隆咚的", "M087"),
    ]),
    ("M015", "M057", [
        ("12345", "金山村西头有人在地里烧麦秸秆，烟大得呛人，高速那边都看不清了", None),
        ("grid", "金山村西侧农田露天焚烧秸秆。", None),
        ("web", "村西边又有人点火烧秸秆，满天都是烟灰", "M053"),
    ], [
        ("12345", "金山村西头沟里不知道谁扔了好几头死猪，都臭了，就在水沟边上", None),
        ("grid", "金山村西侧沟渠发现病死猪随意丢弃。", None),
        ("web", "村西水沟有死猪，苍蝇一大片，怕有病", "M011"),
    ]),
    ("M080", "M023", [
        ("12345", "实验小学门口每天放学有个面包车接孩子，一车塞了十几个小孩，门都关不上，太吓人了", None),
        ("grid", "实验小学门口接送车辆严重超载。", "M079"),
        ("web", "学校门口那辆接娃的面包车装了好多孩子，超载太严重", None),
    ], [
        ("12345", "实验小学门口有个小摊卖辣条和小零食，都是没牌子的，孩子们天天买，吃坏了怎么办", None),
        ("grid", "实验小学门口流动摊点销售三无食品。", None),
        ("web", "学校外面卖的零食都没生产日期，担心食品安全", None),
    ]),
    ("M091", "M074", [
        ("12345", "锦绣家园12号楼暖气一点都不热，屋里才十三四度，老人孩子都冻感冒了，打热力公司电话也没人管", None),
        ("grid", "锦绣家园12号楼供暖温度不达标，室温约14度。", None),
        ("web", "12号楼暖气冰凉，家里冻得穿羽绒服", "M035"),
    ], [
        ("12345", "锦绣家园12号楼下面有好几条流浪狗，晚上乱叫，还追着小孩跑，有个孩子差点被咬", None),
        ("grid", "锦绣家园12号楼周边流浪犬聚集，存在伤人隐患。", None),
        ("web", "楼下一群野狗，晚上叫个不停，孩子都不敢下楼", None),
    ]),
    ("M013", "M060", [
        ("12345", "城东工业园那个化工厂一到晚上就排一种刺鼻的味道，像烂橘子又像塑料烧焦，整个小区都能闻到，嗓子疼", None),
        ("grid", "城东工业园某化工企业夜间排放刺激性气味废气。", None),
        ("web", "晚上工业园那边飘过来的气味太难闻了，呛得人咳嗽", None),
    ], [
        ("12345", "我在城东工业园华强厂干了半年，老板一直拖着工资不给，二十多个工友都没拿到钱，过年都回不了家", None),
        ("grid", "城东工业园华强公司拖欠二十余名工人工资。", None),
        ("12333", "工业园华强厂欠我们工资三个月了，找老板人也找不到", None),
    ]),
    ("M037", "M066", [
        ("12345", "建设街22号那栋老楼，外墙裂了好大一道缝，昨天还掉下来几块水泥块，砸在楼下车棚上，太危险了", None),
        ("grid", "建设街22号楼外墙开裂，有墙皮脱落坠物隐患。", None),
        ("web", "22号老楼墙上的裂缝越来越宽，楼上掉渣子，路过的人都躲着走", None),
    ], [
        ("12345", "建设街22号楼有人从楼上拉根电线下来给电动车充电，就在楼道里，一充一晚上，着火了怎么办", None),
        ("grid", "建设街22号楼楼道内电动车飞线充电。", None),
        ("96119", "22号楼一楼过道停了好几辆电瓶车，晚上插着电充", "M065"),
    ]),
    ("M009", "M043", [
        ("12345", "滨海大道海景站公交站旁边有棵大树被风刮断了，树枝横在人行道上，还压着一根电线", None),
        ("grid", "滨海大道海景站行道树断枝倒伏，阻断人行道。", None),
        ("web", "海景站那里树倒了，树杈搭在电线上，看着要断", "M088"),
    ], [
        ("12345", "滨海大道海景站那个18路公交车老是不进站停车，我们在站台上招手司机也不停，一等就是半个小时", None),
        ("grid", "滨海大道海景站18路公交车过站不停。", None),
        ("web", "18路司机在海景站经常甩站，乘客等不到车", None),
    ]),
    ("M016", "M036", [
        ("12345", "南苑小区旁边那个工地，半夜十二点了还在打桩，咣咣的，一整晚没法睡觉，都好几天了", None),
        ("grid", "南苑小区东侧工地夜间违规施工，噪声扰民。", None),
        ("web", "工地晚上还在施工，吵得睡不着觉，明天还得上班", "M073"),
    ], [
        ("12345", "南苑小区旁边工地的脚手架都没挂安全网，上面的工人也不系安全带，昨天掉下来一根钢管差点砸到人", None),
        ("grid", "南苑小区东侧工地脚手架未设安全网，存在高空坠物隐患。", None),
        ("web", "工地架子上东西往下掉，下面就是人行道，太危险", None),
    ]),
    ("M001", "M007", [
        ("12345", "新华路文化路路口那个下水井的盖子没了，就一个黑窟窿，晚上要是有人没看见掉下去就完了", None),
        ("grid", "新华路文化路口西北角窨井盖缺失。", None),
        ("web", "路口有个井没盖子，我用树枝插了个标记，赶紧来补上", "M045"),
    ], [
        ("12345", "新华路文化路路口那家超市的大招牌歪了，一刮风就晃，下面天天有人走，砸下来可不得了", None),
        ("grid", "新华路文化路口某超市户外招牌松动，有坠落隐患。", None),
        ("web", "路口超市招牌摇摇晃晃的，看着要掉", "M037"),
    ]),
    ("M081", "M071", [
        ("12345", "望海社区4号楼有个独居的老大爷，好几天没见他下楼了，敲门也没人应，邻居都挺担心的", None),
        ("grid", "望海社区4号楼独居老人多日未露面，需上门查看。", None),
        ("web", "4号楼那个一个人住的老人好几天没动静了，能不能派人去看看", None),
    ], [
        ("12345", "望海社区4号楼楼上那家洗澡水天天往我家卫生间渗，找他们好几次都不理，两家都快打起来了", None),
        ("grid", "望海社区4号楼上下邻居因漏水渗水发生纠纷。", None),
        ("web", "楼上漏水到我家，楼上不给修还骂人，请社区来调解", None),
    ]),
    ("M087", "M090", [
        ("12345", "石岭镇中心街这一片从下午三点就停电了，也没通知，冰箱里东西都坏了，啥时候能来电啊", None),
        ("grid", "石岭镇中心街片区停电，疑似线路故障。", "M088"),
        ("web", "中心街又停电了，一点消息都没有，做生意的损失很大", None),
    ], [
        ("12345", "石岭镇中心街有家饭店后厨一股煤气味，液化气罐就放在门口晒太阳，看着吓人", None),
        ("grid", "石岭镇中心街某饭店液化气瓶违规存放，有燃气泄漏气味。", "M020"),
        ("web", "饭店门口的煤气罐闻着漏气了，旁边还有人抽烟", None),
    ]),
    ("M024", "M076", [
        ("12345", "长江路8号那个健身房突然关门了，老板跑了，我上个月刚办的三千块的年卡，一百多个会员都找不到人", None),
        ("grid", "长江路8号某健身房闭店，会员预付卡无法退费。", None),
        ("web", "健身房卷钱跑路了，卡里还有两千多没用，怎么退", "M025"),
    ], [
        ("12345", "长江路8号二楼有个诊所，没挂牌子，里面那个人给人打针输液，听说根本没有行医证", None),
        ("grid", "长江路8号二楼无证诊所非法行医。", None),
        ("web", "楼上有个黑诊所在给人输液，连个执照都没有", None),
    ]),
    ("M051", "M052", [
        ("12345", "西山北坡有人偷偷开山炸石头，白天晚上都放炮，山上炸得光秃秃的，我们村房子都震裂了", None),
        ("grid", "西山北坡存在非法采石行为，伴有爆破。", None),
        ("web", "山上天天放炮采石头，石头车一趟一趟往外拉", None),
    ], [
        ("12345", "西山北坡那片松树林，这几天有人拿电锯砍树，已经砍倒一大片了，拉树的车都开到山上了", None),
        ("grid", "西山北坡松林发现盗伐林木。", None),
        ("web", "后山的树被人偷砍了好多，天天听见电锯响", None),
    ]),
    ("M029", "M034", [
        ("12345", "台风都要来了，渔港码头那边还有两三条船往外开，说是要去收网，太不要命了，赶紧拦一下", None),
        ("grid", "渔港码头有渔船在大风预警期间违规出海。", None),
        ("web", "大风天还有渔船出港，海事和渔政快去看看", "M032"),
    ], [
        ("12345", "我是渔港码头鲁渔3号船上的船员，出了三个月海，船老大一分钱工钱都没给，还扣着我们的身份证", None),
        ("grid", "渔港码头某渔船拖欠船员劳务费并扣押证件。", "M060"),
        ("web", "船老板不给工钱还扣身份证，我们几个外地船员回不了家", None),
    ]),
    ("M045", "M065", [
        ("12345", "光明小区地下车库入口那里下水道往上返污水，臭气熏天，车开过去溅一身，物业说不归他们管", None),
        ("grid", "光明小区地下车库入口排水管道堵塞，污水外溢。", None),
        ("web", "车库门口积了一大片脏水，还冒泡，味道特别大", "M044"),
    ], [
        ("12345", "光明小区地下车库入口旁边的消防通道上停了辆破车，落满了灰，轮胎都瘪了，停了快半年了", None),
        ("grid", "光明小区车库入口消防通道被僵尸车占用。", "M042"),
        ("96119", "小区消防通道上一辆废车停了好久了，消防车根本进不来", None),
    ]),
    ("M065", "M027", [
        ("12345", "东方商厦三楼的安全出口被商户用铁链子锁上了，后面还堆着货，真着火了人往哪跑", None),
        ("grid", "东方商厦三楼安全出口被锁闭，消防通道堵塞。", None),
        ("96119", "商场三楼的逃生门锁着，楼梯里都是货物", None),
    ], [
        ("12345", "东方商厦一楼超市的鸡蛋标价和结账价不一样，标的五块八，结账收七块二，好几样东西都这样", None),
        ("grid", "东方商厦一楼超市价签与结算价不符。", None),
        ("web", "商场超市价格欺诈，标价便宜结账贵", "M025"),
    ]),
    ("M040", "M042", [
        ("12345", "城北路加油站往东那段，渣土车掉了一路的石子和泥，骑电动车的滑倒好几个了", None),
        ("grid", "城北路加油站东侧路面渣土遗撒。", None),
        ("web", "马路上都是大车洒下来的泥沙，一下雨就成泥汤", None),
    ], [
        ("12345", "城北路加油站东边路两边停满了大货车，晚上也不走，把路占了一半，会车都困难", None),
        ("grid", "城北路加油站东侧大货车违法占道停放。", None),
        ("web", "路边大车乱停，开车过去看不到对面来车", None),
    ]),
    ("M072", "M070", [
        ("12345", "光华里6号楼302租出去以后住了十几个人，天天进进出出，也不知道什么人，社区是不是要登记一下", None),
        ("grid", "光华里6号楼302群租，流动人口未登记。", None),
        ("web", "6号楼302住了好多外地人，房东也不报，担心安全", "M019"),
    ], [
        ("12345", "光华里6号楼302那家男的又在打老婆，哭喊声整栋楼都听得见，已经不是第一次了", None),
        ("grid", "光华里6号楼302疑似家庭暴力，需民警社区介入。", None),
        ("minsheng_110", "302那家又打起来了，女的一直喊救命", "M084"),
    ]),
    ("M006", "M092", [
        ("12345", "青年路两边电线杆子上贴满了办证的小广告，墙上也喷了电话号码，撕了又贴，太影响市容", None),
        ("grid", "青年路沿线电杆及墙面小广告张贴喷涂。", None),
        ("city_management", "青年路上到处是牛皮癣广告，看着很脏", None),
    ], [
        ("12345", "青年路那边一大把网线电话线从杆子上耷拉下来，都垂到人头顶了，骑车的一不小心就挂住", None),
        ("grid", "青年路通信线缆杂乱垂落，低于2米。", None),
        ("web", "路边的线缆掉下来了，晃来晃去，挂到行人", "M088"),
    ]),
    ("M004", "M074", [
        ("12345", "华府小区9号楼顶楼那户在楼顶上私自盖了个阳光房，还往外扩了好几米，楼下都漏水了", None),
        ("grid", "华府小区9号楼楼顶违法搭建阳光房。", None),
        ("web", "9号楼楼顶有人违建，施工好几天了，楼板能不能承受", None),
    ], [
        ("12345", "华府小区9号楼有户人家养了条大狼狗，每天不拴绳就放出来，见人就扑，小区孩子都吓坏了", None),
        ("grid", "华府小区9号楼居民遛犬不牵绳，大型犬伤人隐患。", None),
        ("web", "9号楼的大狼狗不拴绳，还在电梯里乱叫", None),
    ]),
    ("M048", "M033", [
        ("12345", "龙潭水库大坝下面这几天一直在渗水，坝脚湿了一大片，下大雨会不会出事啊", None),
        ("grid", "龙潭水库坝体坝脚出现渗水。", None),
        ("12322", "水库坝下往外渗水，看着比前两天多了", None),
    ], [
        ("12345", "龙潭水库晚上有人背着电瓶电鱼，一电一大片，小鱼苗都死了", None),
        ("grid", "龙潭水库有人使用电瓶非法电鱼。", None),
        ("web", "水库边有人电鱼，鱼都翻白肚了", None),
    ]),
]

START = datetime(2026, 3, 2, 8, 0)
METRES_PER_DEGREE_LAT = 111_320.0


def offset(point: tuple[float, float], metres: float, rng: random.Random) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    lon, lat = point
    d_lat = metres * math.sin(angle) / METRES_PER_DEGREE_LAT
    d_lon = metres * math.cos(angle) / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return round(lon + d_lon, 6), round(lat + d_lat, 6)


def side(report: tuple[str, str, str | None], matter: str, *, at: datetime,
         point: tuple[float, float] | None, rng: random.Random) -> dict:
    channel, text, override = report
    out: dict = {"text": text, "channel": channel,
                 "longitude": point[0] if point else None,
                 "latitude": point[1] if point else None,
                 "reported_at": at.isoformat() + "+08:00"}
    # A matter on about half the sides: a new report is often not classified yet.
    if rng.random() < 0.5:
        out["matter"] = override or matter
    return out


def pair(a: dict, b: dict, duplicate: bool, kind: str, group: str) -> dict:
    return {"a": a, "b": b, "duplicate": duplicate, "kind": kind, "group": group}


def build(seed: int = 20260302) -> list[dict]:
    rng = random.Random(seed)
    centres = [(round(rng.uniform(122.03, 122.37), 5), round(rng.uniform(37.03, 37.37), 5))
               for _ in SCENES]
    pairs: list[dict] = []
    for index, (matter_a, matter_b, reports_a, reports_b) in enumerate(SCENES):
        group = f"s{index + 1:02d}"
        centre = centres[index]
        base = START + timedelta(days=rng.randint(0, 200), hours=rng.uniform(0, 12))

        def place(spread: float, centre: tuple[float, float] = centre
                  ) -> tuple[float, float] | None:
            # A hotline call often comes without coordinates.
            return None if rng.random() < 0.15 else offset(centre, rng.uniform(0, spread), rng)

        for reports, matter in ((reports_a, matter_a), (reports_b, matter_b)):
            for x, y in itertools.combinations(reports, 2):
                at = base + timedelta(hours=rng.uniform(0, 6))
                later = at + timedelta(hours=rng.choice([0.3, 1, 2, 5, 9, 20, 30, 47, 60]))
                pairs.append(pair(side(x, matter, at=at, point=place(150), rng=rng),
                                  side(y, matter, at=later, point=place(150), rng=rng),
                                  True, "duplicate", group))
        # The other problem at the same place, within the window.
        for x, y in rng.sample(list(itertools.product(reports_a, reports_b)), 3):
            at = base + timedelta(hours=rng.uniform(0, 12))
            later = at + timedelta(hours=rng.uniform(0.2, 50))
            first, second = (x, y) if rng.random() < 0.5 else (y, x)
            pairs.append(pair(
                side(first, matter_a if first in reports_a else matter_b, at=at,
                     point=place(80), rng=rng),
                side(second, matter_a if second in reports_a else matter_b, at=later,
                     point=place(80), rng=rng),
                False, "same_place_other_matter", group))
        # The same problem at the same place, weeks later: it came back.
        for reports, matter in ((reports_a, matter_a), (reports_b, matter_b)):
            if reports is reports_b and rng.random() < 0.5:
                continue
            x, y = rng.sample(reports, 2)
            at = base + timedelta(hours=rng.uniform(0, 12))
            later = at + timedelta(days=rng.uniform(12, 60))
            pairs.append(pair(side(x, matter, at=at, point=place(60), rng=rng),
                              side(y, matter, at=later, point=place(60), rng=rng),
                              False, "same_matter_weeks_later", group))
    # Easy negatives: two scenes, within the same half of the set (train or held-out).
    for half in (0, 1):
        members = [i for i in range(len(SCENES)) if held_out(i) == bool(half)]
        for _ in range(22 if half == 0 else 12):
            i, j = rng.sample(members, 2)
            x = rng.choice(SCENES[i][2] + SCENES[i][3])
            y = rng.choice(SCENES[j][2] + SCENES[j][3])
            mx = SCENES[i][0] if x in SCENES[i][2] else SCENES[i][1]
            my = SCENES[j][0] if y in SCENES[j][2] else SCENES[j][1]
            at = START + timedelta(days=rng.randint(0, 200), hours=rng.uniform(0, 12))
            later = at + timedelta(hours=rng.uniform(0.5, 70))
            pairs.append(pair(side(x, mx, at=at, point=offset(centres[i], 30, rng), rng=rng),
                              side(y, my, at=later, point=offset(centres[j], 30, rng), rng=rng),
                              False, "other_scene", f"s{i + 1:02d}+s{j + 1:02d}"))
    return pairs


def held_out(scene_index: int) -> bool:
    """Every third scene is held out (`bench/duplicates.py` reads the same rule from the
    group)."""
    return scene_index % 3 == 2


def main() -> None:
    pairs = build()
    OUT.write_text(json.dumps(pairs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for p in pairs:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    print(f"{len(pairs)} pairs → {OUT}: {kinds}")


if __name__ == "__main__":
    main()
