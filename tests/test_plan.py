# ruff: noqa: E501  (the tables quote the report's Thai as printed, one item a line)
"""Tests of cmgis.plan.spec: the plan file is the report's plan, complete, consistent, validated.

The tables below are taken from the report text (Thai, ../shared/seed/
000_0d408612c6d47ece.txt; the line numbers are that file's): code (cmgis's), the label the
report prints, the line of the label (projects) or item (activities), the Thai as printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cmgis.plan.projects import filing_text
from cmgis.plan.spec import STRATEGY_KEYS, Plan, PlanError, load_plan, plan_rows, plan_toml

REPORT_PROJECTS: dict[str, tuple[str, int, str]] = {
    "1.1.1": (
        "1.1.1",
        60,
        "กระตุ้นการพัฒนาโครงสร้างพื้นฐานทางกายภาพให้มีประสิทธิภาพและเชื่อมต่อมากขึ้น",
    ),
    "1.1.2": (
        "1.1.1",
        69,
        "สนับสนุนการพัฒนาโครงสร้างพื้นฐานเชิงปัญญา (intellectual infrastructure) เพื่อต่อยอดสู่การพัฒนานวัตกรรม",
    ),
    "1.2.1": (
        "1.1.1",
        81,
        "วางระบบในการประสานความร่วมมือและสร้างการมีส่วนร่วม",
    ),
    "1.2.2": (
        "1.1.1",
        91,
        "สร้างกลไกในการกระตุ้นให้เกิดการพัฒนานวัตกรรมที่ขับเคลื่อนโดยภาครัฐระหว่างภาครัฐ เอกชน ประชาสังคม และสถาบันการศึกษา",
    ),
    "2.1.1": (
        "2.11",
        111,
        "สร้างอัตลักษณ์ทางนวัตกรรมให้กับเมืองเชียงใหม่ (Innovation identity of the city)",
    ),
    "2.1.2": (
        "2.12",
        118,
        "เชื่อมอุตสาหกรรม (industries) และภาคส่วน (sectors) ที่มีศักยภาพกับการพัฒนาเชิงพื้นที่ของเมือง (area-based development)",
    ),
    "2.2.1": (
        "2.11",
        129,
        "เชื่อมนวัตกรรมในเมืองเชียงใหม่ผ่านพื้นที่ทั้งออนไลน์และออฟไลน์",
    ),
    "2.2.2": (
        "2.12",
        136,
        "เชื่อมอุปสงค์ (demand-side) และอุปทาน (supply-side) ในการพัฒนาย่านนวัตกรรมในเมืองเชียงใหม่",
    ),
    "3.1.1": (
        "3.1.1",
        155,
        "สนับสนุนผู้ประกอบการ (Inno-preneur) ในเมืองเชียงใหม่ในการสร้างสรรคนวัตกรรมเชิงพาณิชย์",
    ),
    "3.1.2": (
        "3.1.2",
        166,
        "สนับสนุนภาคสังคมในการพัฒนานวัตกรรมทางสังคม (Social innovation) ในเมืองเชียงใหม่",
    ),
    "3.2.1": (
        "3.1.2",
        177,
        "สร้างแรงจูงใจให้กับนักลงทุน (Investors) ทั้งนักลงทุนบุคคล (Angel) และธุรกิจเงินร่วมลงทุน (Venture capital) ให้เข้ามาสนับสนุนการพัฒนานวัตกรรมเชิงพาณิชย์ในเมืองเชียงใหม่",
    ),
    "3.2.2": (
        "3.1.2",
        186,
        "สร้างแรงจูงใจให้กับนักลงทุนที่มุ่งสร้างผลกระทบทางสังคม (Impact investors) ให้สนับสนุนการพัฒนานวัตกรรมทางสังคมในเมืองเชียงใหม่",
    ),
}

REPORT_ACTIVITIES: dict[str, tuple[str, int, str]] = {
    "1.1.1.1": (
        "1)",
        65,
        "ศึกษาและวิเคราะห์ช่องว่างของการพัฒนาระบบโลจิสติกส์ ระบบขนส่ง และระบบอินเทอร์เน็ตความเร็วสูงในเมืองที่ยังเป็นอุปสรรคต่อการพัฒนานวัตกรรมทั้งระบบ",
    ),
    "1.1.1.2": (
        "2)",
        66,
        "ศึกษาความเป็นไปได้ในการพัฒนาประสิทธิภาพและการเชื่อมต่อของระบบโลจิสติกส์ ระบบขนส่ง และระบบอินเทอร์เน็ตความเร็วสูงในเมือง",
    ),
    "1.1.1.3": (
        "3)",
        67,
        "เชื่อมภาคส่วนที่เกี่ยวข้องให้เห็นความสำคัญของการสร้างเชียงใหม่ให้เป็นเมืองนวัตกรรมด้วยการพัฒนาโครงสร้างพื้นฐานเชิงกายภาพข้างต้น",
    ),
    "1.1.2.1": (
        "1)",
        74,
        "สร้างฐานข้อมูลที่มีความสำคัญต่อการพัฒนานวัตกรรม",
    ),
    "1.1.2.2": (
        "2)",
        75,
        "เชื่อมประสานสถาบันการศึกษาในพื้นที่ให้เกิดการสร้างสรรคความรู้ที่สามารถต่อยอดในเชิงนวัตกรรมและเผยแพร่สู่สาธารณะ",
    ),
    "1.2.1.1": (
        "1)",
        85,
        "วางระบบการสื่อสารออนไลน์เชื่อมเครือข่ายตัวแสดงที่เกี่ยวข้องและผู้มีส่วนได้ส่วนเสียในระบบนิเวศนวัตกรรมของเมืองเชียงใหม่",
    ),
    "1.2.1.2": (
        "2)",
        86,
        "วางระบบประสานงานให้เกิดเป้าหมายร่วมให้เมืองเป็นศูนย์กลางทางนวัตกรรม เพื่อให้การดำเนินการต่างๆ เกิดความสอดคล้องกัน",
    ),
    "1.2.1.3": (
        "3)",
        87,
        "สร้างระบบข้อมูลเผยแพร่ประชาสัมพันธ์การจัดกิจกรรมส่งเสริมการพัฒนานวัตกรรมที่เกิดขึ้นตลอดทั้งปี เช่น การฝึกอบรมและการจัดงาน (events)",
    ),
    "1.2.1.4": (
        "4)",
        88,
        "สร้างระบบการเผยแพร่นวัตกรรมสู่กลุ่มเป้าหมายอย่างมีประสิทธิภาพ",
    ),
    "1.2.1.5": (
        "5)",
        89,
        "สร้างระบบรวบรวมปัญหาและแนวทางแก้ปัญหาให้นวัตกรรม",
    ),
    "1.2.2.1": (
        "1)",
        96,
        "ตั้งคณะกรรมการที่มีตัวแทนจากหลากหลายภาคส่วน เพื่อเป็นผู้ขับเคลื่อนระบบ (System enablers) และบูรณาการของเมือง (City integrators/collaborators) ที่ทำหน้าที่เชื่อมโยงจุดช่องว่าง และเป็นกลไกกำกับติดตามความสมดุลระหว่างการพัฒนาเศรษฐกิจ สังคมและสิ่งแวดล้อมด้วยนวัตกรรม",
    ),
    "1.2.2.2": (
        "2)",
        97,
        "สร้างและขยายเครือข่ายผู้บริหารเมืองที่เห็นความสำคัญของนวัตกรรม (Chief City Innovation Officers) เพื่อทำหน้าที่สร้างความตระหนักและความรับรู้ รวมถึงขยายทัศนคติต่อการเป็นผู้ประกอบการ (entrepreneurial mindset) และทัศนคติในการสร้างการเปลี่ยนแปลงด้วยนวัตกรรมให้กับสังคม (innovation driven society)",
    ),
    "2.1.1.1": (
        "1)",
        115,
        "ร่วมกับภาคส่วนที่เกี่ยวข้องในการจัดกลุ่มก้อน (clusters) ทางธุรกิจและทางสังคมที่มีศักยภาพในสะท้อนอัตลักษณ์ทางนวัตกรรมให้กับเมือง",
    ),
    "2.1.1.2": (
        "2)",
        116,
        "ประชาสัมพันธ์และเชิญชวนให้เกิดกิจกรรมการพัฒนาย่านนวัตกรรมในเขต (zones) ที่มีศักยภาพ",
    ),
    "2.1.2.1": (
        "1)",
        122,
        "เชื่อมต่อการพัฒนาโครงสร้างพื้นฐาน ระบบ และกลไกต่างๆ ในยุทธศาสตร์แรกไปสู่การพัฒนาพื้นที่ของย่านนวัตกรรม",
    ),
    "2.1.2.2": (
        "2)",
        123,
        "ต่อโยงธุรกิจและกิจกรรมทางสังคมไปยังย่านที่ให้การส่งเสริม โดยเฉพาะอย่างยิ่งด้านอาหาร สุขภาพ ท้องเที่ยว สังคม และไอที",
    ),
    "2.2.1.1": (
        "1)",
        133,
        "สร้างพื้นที่ออนไลน์ที่เอื้อต่อการสื่อสารแบบสองทางระหว่างนวัตกรรม",
    ),
    "2.2.1.2": (
        "2)",
        134,
        "สร้างพื้นที่ออฟไลน์ที่เปิดโอกาสให้เกิดการแลกเปลี่ยนเรียนรู้ระหว่างนวัตกรรมและเป็นแหล่งเผยแพร่ให้บริการ และกระจายข้อมูลข่าวสารและความรู้ต่างๆ ในการเสริมสร้างศักยภาพของนวัตกรรม",
    ),
    "2.2.2.1": (
        "1)",
        140,
        "รวบรวมและสร้างปฏิทินกิจกรรมต่างๆ ที่เอื้อให้นักนวัตกรรมได้มาพบกับผู้สนับสนุน",
    ),
    "2.2.2.2": (
        "2)",
        141,
        "จัดงาน (events) เชื่อมต่อระหว่างนวัตกรรมกับเครือข่ายธุรกิจโดยตรง โดยมีตัวกลางที่เอื้อให้เกิดการสร้างโอกาสและสร้างความเข้าใจในจุดแข็งและข้อจำกัดของแต่ละฝ่าย",
    ),
    "3.1.1.1": (
        "1)",
        160,
        'จัดฝึกอบรมหลักสูตรที่มุ่งเน้นเรื่องนวัตกรรมแก่ผู้ประกอบการแบบ "grooming" ทั้ง Startups และ SMEs รุ่นใหม่และรุ่นเก่า',
    ),
    "3.1.1.2": (
        "2)",
        161,
        "อำนวยความสะดวกในการผลิต พัฒนาต้นแบบ (prototype) ศึกษาความเป็นไปได้ ทดสอบตลาด เข้าถึงแรงงานที่มีความรู้ ดำเนินธุรกิจ สร้างอัตลักษณ์/ แบรนด์ สร้างมาตรฐานและคุณภาพ และขยายฐานธุรกิจ",
    ),
    "3.1.1.3": (
        "3)",
        162,
        'จัดประกวดเพื่อกระตุ้นการพัฒนาและยกระดับนวัตกรรม รวมทั้งสร้าง "Innovative warriors"',
    ),
    "3.1.1.4": (
        "4)",
        163,
        "จัดพื้นที่จำหน่ายสินค้าและบริการใหม่ๆ (marketplaces) รวมถึงเทศกาล (festivals) ที่ไม่ใช่ ตลาดถาวรหรือตลาดนัดที่ขายของทั่วไป",
    ),
    "3.1.1.5": (
        "5)",
        164,
        "สร้างระบบพี่เลี้ยงที่ทำงานร่วมกับผู้ประกอบการ",
    ),
    "3.1.2.1": (
        "1)",
        171,
        "สนับสนุนผู้ประกอบการทางสังคม (Social enterprises) และวิสาหกิจชุมชน (Community enterprises) ในการสร้างมูลค่าทางเศรษฐกิจและคุณค่าทางสังคม (Value creation) ไปพร้อมๆ กัน",
    ),
    "3.1.2.2": (
        "2)",
        172,
        "สนับสนุนการสร้างสรรคแนวทางการแก้ปัญหาด้วยนวัตกรรม (Innovative solution) รวมถึงมิติสิ่งแวดล้อม",
    ),
    "3.1.2.3": (
        "3)",
        173,
        "เสริมพลัง (empowering) กลุ่มประชาสังคมที่มีความเข้มแข็งในการสร้างนวัตกรรมทางสังคมหรือนวัตกรรมสีเขียวให้สามารถเป็นต้นแบบได้",
    ),
    "3.2.1.1": (
        "1)",
        183,
        "สร้างแรงจูงใจให้กับผู้สนับสนุนการบ่มเพาะ (Incubators)",
    ),
    "3.2.1.2": (
        "2)",
        184,
        "สร้างแรงจูงใจให้กับผู้สนับสนุนการเร่งรัดธุรกิจสู่ตลาดสากล (Accelerators)",
    ),
    "3.2.2.1": (
        "1)",
        193,
        "เชื่อมหน่วยงานที่เกี่ยวข้องให้มีมาตรการพิเศษเพื่อให้สิทธิประโยชน์สำหรับนักลงทุนที่สนับสนุนการสร้างนวัตกรรมทางสังคม",
    ),
    "3.2.2.2": (
        "2)",
        194,
        "ยกย่องและเชิดชูเกียรตินักลงทุนที่มุ่งสร้างผลกระทบทางสังคมที่ให้การสนับสนุนผู้ประกอบการทางสังคมหรือวิสาหกิจชุมชนในเมือง",
    ),
}

#: The 3Ds and their sub-strategies: code -> (printed label, Thai as printed).
REPORT_STRATEGIES = {
    "1": ("1", "พัฒนาโครงสร้าง ระบบ และกลไกที่เกื้อหนุนการสร้างระบบนิเวศนวัตกรรมของเมืองเชียงใหม่"),
    "2": ("2", "ยกระดับย่านนวัตกรรมในเมืองเชียงใหม่และขยายพื้นที่ในการแลกเปลี่ยนเรียนรู้"),
    "3": ("3", "ส่งเสริมนวัตกรรมในเมืองเชียงใหม่และเชื่อมต่อสู่ผู้สนับสนุนทั้งภายในและภายนอก"),
}
REPORT_SUBSTRATEGIES = {
    "1.1": "สร้างโครงสร้างพื้นฐานที่เอื้ออำนวยให้เกิดความสะดวก ในการสร้างสรรคนวัตกรรม",
    "1.2": "พัฒนาระบบและกลไกการบริหารจัดการ และเชื่อมโยงแต่ละภาคส่วน",
    "2.1": "ส่งเสริมการพัฒนาย่านนวัตกรรม (Innovation districts) ที่สนับสนุนการสร้างคุณค่าร่วมกัน"
    " (Creating shared value)",
    "2.2": "สร้างพื้นที่ (Platforms) ที่เอื้อการเรียนรู้ การสร้างแรงจูงใจ การแบ่งปันความรู้"
    " และการสร้างสรรค์สิ่งใหม่ร่วมกัน (co-creation)",
    "3.1": "สนับสนุนนวัตกรรมในเมืองเชียงใหม่ให้มีศักยภาพเพิ่มขึ้น",
    "3.2": "เชื่อมต่อผู้สนับสนุนการพัฒนานวัตกรรมให้เข้ามา ในระบบนิเวศของเมืองเชียงใหม่",
}

#: The goals-and-means table (lines 463–482): goal -> (3Ds key, number of means).
REPORT_GOALS = {
    "G1.1": ("default", 2),
    "G1.2": ("default", 3),
    "G1.3": ("default", 4),
    "G1.4": ("default", 5),
    "G1.5": ("default", 11),
    "G2.1": ("driving-spaces", 6),
    "G2.2": ("driving-spaces", 3),
    "G3.1": ("drivers", 7),
    "G3.2": ("drivers", 7),
    "G3.3": ("drivers", 3),
    "G3.4": ("drivers", 0),  # listed at line 459, no row in the table
}

#: The report's own filing of the workshop proposals: a word of the Thai title -> (3Ds
#: key, means codes, co-sensing lists).
REPORT_FILINGS = {
    "คลองแม่ข่า": ("default", ("G1.3.4",), ("driving-spaces",)),
    "Craft Innovation": ("driving-spaces", ("G2.1.6",), ()),
    "รถม่วง": ("default", ("G1.2.2",), ()),
    "รถไฟรางเบา": ("default", ("G1.2.3",), ()),
    "Bio-Food": ("driving-spaces", ("G2.1.5",), ()),
    "Global Hub": ("driving-spaces", ("G2.2.2",), ("driving-spaces",)),
    "เครื่องกรองอากาศ": ("driving-spaces", ("G2.1.3",), ()),
    "การเกษตรแบบปลอดภัย": ("driving-spaces", ("G2.1.4",), ()),
    "หัตถกรรมชุมชน": ("driving-spaces", ("G2.1.2",), ()),
    "ถนนคนเดิน": ("drivers", ("G3.3.3",), ()),
    "Medical Hub": ("driving-spaces", (), ("driving-spaces",)),
    "ศูนย์ออกแบบเมือง": ("driving-spaces", ("G2.2.3",), ()),
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def test_the_reports_12_projects_with_printed_labels_and_thai(plan: Plan) -> None:
    got = {
        p.code: (p.printed_label, int(p.source.split("lines ")[1].split("–")[0]), p.title_th)
        for p in plan.projects
    }
    assert got == REPORT_PROJECTS
    labels = [p.printed_label for p in plan.projects]
    assert labels.count("1.1.1") == 4
    assert labels.count("2.11") == labels.count("2.12") == 2
    assert [p.printed_label for p in plan.projects if p.substrategy == "3.2"] == ["3.1.2"] * 2


def test_the_reports_32_activities(plan: Plan) -> None:
    got = {
        a.code: (a.printed_label, a.line, a.title_th) for p in plan.projects for a in p.activities
    }
    assert got == REPORT_ACTIVITIES
    assert len(got) == 32
    assert all(a.title_en for p in plan.projects for a in p.activities)


def test_strategies_and_substrategies_as_printed(plan: Plan) -> None:
    assert {s.code: (s.printed_label, s.title_th) for s in plan.strategies} == REPORT_STRATEGIES
    assert {s.code: s.title_th for s in plan.substrategies} == REPORT_SUBSTRATEGIES


def test_no_item_lacks_its_thai_title(plan: Plan) -> None:
    rows = plan_rows(plan)
    assert len(rows) == 3 + 6 + 12 + 32
    assert all(r["title_th"].strip() for r in rows)


def test_goals_and_means_under_their_3ds(plan: Plan) -> None:
    assert {g.code: (g.strategy, len(g.means)) for g in plan.goals} == REPORT_GOALS
    green = next(g for g in plan.goals if g.code == "G1.3")
    assert green.title_th.startswith("มุ่งสร้างเมืองที่มีสิ่งแวดล้อมที่ดี (Green)")
    assert "คลองแม่ข่า" in green.means[3].title_th


def test_place_proposals_filed_as_the_report_files_them(plan: Plan) -> None:
    for word, (strategy, means, cosensing) in REPORT_FILINGS.items():
        hits = [p for p in plan.place_projects if word in p.title_th]
        assert len(hits) == 1, word
        pp = hits[0]
        assert (pp.strategy, pp.means, pp.cosensing) == (strategy, means, cosensing), word
        by_code = plan.means_by_code()
        assert all(by_code[m][0].strategy == strategy for m in pp.means)
    mae_kha = next(p for p in plan.place_projects if "คลองแม่ข่า" in p.title_th)
    assert filing_text(mae_kha) == "G1.3.4; co-sensing: driving-spaces"


def test_proposals_without_a_place_in_the_data_are_not_mapped(plan: Plan) -> None:
    unmapped = {p.code for p in plan.place_projects if p.place == ""}
    for word in ("Global Hub", "การเกษตรแบบปลอดภัย", "หัตถกรรมชุมชน", "Craft Innovation"):
        assert next(p.code for p in plan.place_projects if word in p.title_th) in unmapped
    purifier = next(p for p in plan.place_projects if "เครื่องกรองอากาศ" in p.title_th)
    assert purifier.place_kind == "poi"


def test_codes_unique_and_each_item_in_one_of_the_3ds(plan: Plan) -> None:
    codes = list(plan.codes())
    assert len(codes) == len(set(codes))
    assert tuple(s.key for s in plan.strategies) == STRATEGY_KEYS
    for p in plan.projects:
        assert p.code.split(".")[0] == plan.strategy(p.strategy).code
    for pp in plan.place_projects:
        assert pp.strategy in STRATEGY_KEYS
    assert {r["strategy"] for r in plan_rows(plan)} == set(STRATEGY_KEYS)


def test_cosensing_and_workshops(plan: Plan) -> None:
    assert [c.strategy for c in plan.cosensing] == list(STRATEGY_KEYS)
    default = plan.cosensing[0]
    texts = " ".join(it.text_th for it in default.items)
    for needle in ("Public Private Partnership", "shared data", "smart visa", "City Council"):
        assert needle in texts
    kinds = {it.kind for c in plan.cosensing for it in c.items}
    assert {"constraint", "strength"} <= kinds
    (w1, w2) = plan.workshops
    assert (w1.date, w2.date) == ("2019-08-15", "2019-09-11")
    assert w1.venue_th.startswith("Chiangmai&Co") and w2.venue_th == "เทศบาลนครเชียงใหม่"
    assert len(w1.participants) == 11 and len(w2.participants) == 14


def test_stakeholders_merged_with_thai_names(plan: Plan) -> None:
    ids = {s.id for s in plan.stakeholders}
    assert "cmu_science_park" not in ids and "step_cmu" in ids
    step = next(s for s in plan.stakeholders if s.id == "step_cmu")
    assert step.name_th == "อุทยานวิทยาศาสตร์ มหาวิทยาลัยเชียงใหม่" and "STEP" in step.aliases
    assert all(s.name_th for s in plan.stakeholders)
    medical = next(p for p in plan.place_projects if "Medical Hub" in p.title_th)
    assert plan.stakeholder_names(medical.partners, "th")[0] == "คณะแพทยศาสตร์ มหาวิทยาลัยเชียงใหม่"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_duplicate_code_is_refused(tmp_path: Path) -> None:
    text = plan_toml().read_text(encoding="utf-8")
    broken = text.replace('code = "1.1.2"\n', 'code = "1.1.1"\n', 1)
    with pytest.raises(PlanError, match=r"1\.1\.1.*twice"):
        load_plan(_write(tmp_path, broken))


def test_unknown_strategy_is_refused(tmp_path: Path) -> None:
    text = plan_toml().read_text(encoding="utf-8")
    broken = text.replace('strategy = "drivers"\nmeans', 'strategy = "driverz"\nmeans', 1)
    with pytest.raises(PlanError, match="driverz"):
        load_plan(_write(tmp_path, broken))


def test_empty_thai_title_is_refused(tmp_path: Path) -> None:
    text = plan_toml().read_text(encoding="utf-8")
    broken = text.replace('title_th = "ศึกษาความเป็นไปได้', 'title_th = "", x = "', 1)
    with pytest.raises(PlanError, match=r"1\.1\.1\.2 has no Thai title"):
        load_plan(_write(tmp_path, broken))


def test_a_filing_other_than_the_reports_is_refused(tmp_path: Path) -> None:
    text = plan_toml().read_text(encoding="utf-8")
    broken = text.replace(
        'strategy = "default"\nmeans = ["G1.3.4"]', 'strategy = "drivers"\nmeans = ["G1.3.4"]', 1
    )
    with pytest.raises(PlanError, match="files it under 'default'"):
        load_plan(_write(tmp_path, broken))


def test_broken_toml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="not valid TOML"):
        load_plan(_write(tmp_path, "[[strategies]\ncode = 1"))
