"""A living catalogue: certified service institutions in their windows, and their services.

Ten more institutions besides `demo_institution` (certification.demo) are
registered, certified and made window members through the real actions; then
about forty services are saved, submitted and approved the way an institution
and the platform administrator would. Two services are left 待审核 for the
review queue and one stays a draft. Idempotent: institutions are looked up by
username, services by (institution, title).
"""

import io
from datetime import date
from decimal import Decimal
from itertools import zip_longest

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from accounts.actions import organisation_register
from accounts.demo import DEMO_PASSWORD
from accounts.models import OrganisationKind, User
from certification.demo import certify
from certification.selectors import approved_application
from certification.validators import org_code_check_character, uscc_check_character
from windows.actions import membership_apply, membership_approve
from windows.models import Window

from .actions import service_approve, service_save, service_submit
from .models import PriceMode, PriceUnit, Service, ServiceCategory, ServiceStatus


def credit_code(prefix: str, org_body: str) -> str:
    """A valid 统一社会信用代码: registration authority and kind + division (8 characters),
    an organisation code (8-character body + its GB 11714 check) and the GB 32100 check."""
    first17 = prefix + org_body + org_code_check_character(org_body)
    return first17 + uscc_check_character(first17)


# username -> (login label or None, service domains, windows, certification profile)
INSTITUTIONS = {
    "inst_law": (
        "Institution (law firm, 律师事务所)",
        ["legal"],
        ["yinchuan", "jinfeng", "ningdong"],
        {
            "name": "宁夏塞上明德律师事务所",
            "credit_code": credit_code("31640106", "MD071526"),
            "legal_representative": "马文华",
            "registered_capital": Decimal("100.00"),
            "established_on": date(2011, 3, 15),
            "institution_type": "law_firm",
            "district": "jinfeng",
            "service_area": "宁夏全区",
            "registered_address": "银川市金凤区亲水大街 219 号万达中心 B 座 18 层",
            "business_scope": "民商事诉讼与仲裁代理、常年法律顾问、合同审查、劳动争议、知识产权法律服务。",
            "contact_name": "马文华",
            "landline": "0951-5021188",
            "mobile": "13895000011",
            "introduction": "专注中小企业法律服务的综合性律师事务所，现有执业律师 32 名，"
            "为 200 余家企业担任常年法律顾问。",
        },
    ),
    "inst_tax": (
        None,
        ["management_consulting", "startup", "information"],
        ["yinchuan", "xingqing"],
        {
            "name": "宁夏正信税务师事务所有限公司",
            "credit_code": credit_code("91640104", "MA75K3Q8"),
            "legal_representative": "杨建国",
            "registered_capital": Decimal("50.00"),
            "established_on": date(2014, 7, 2),
            "institution_type": "enterprise",
            "district": "xingqing",
            "service_area": "银川市全域",
            "registered_address": "银川市兴庆区解放西街 55 号财税大厦 6 层",
            "business_scope": "税务代理、代理记账、税务筹划、涉税鉴证、工商登记代理。",
            "contact_name": "杨建国",
            "landline": "0951-6028866",
            "mobile": "13895000012",
            "introduction": "持证税务师 12 名，为 600 余家小微企业提供代理记账、纳税申报与税务筹划服务。",
        },
    ),
    "inst_testing": (
        "Institution (testing centre, 检验检测)",
        ["technology_quality"],
        ["yinchuan", "xixia", "goji"],
        {
            "name": "宁夏贺兰山检验检测有限公司",
            "credit_code": credit_code("91640105", "MA76B2R5"),
            "legal_representative": "周振宇",
            "registered_capital": Decimal("1000.00"),
            "established_on": date(2013, 10, 8),
            "institution_type": "enterprise",
            "district": "xixia",
            "service_area": "宁夏全区及周边省区",
            "registered_address": "银川市西夏区文萃北街 260 号检测科技园 3 号楼",
            "business_scope": "食品、农产品、环境与工业产品的检验检测，认证咨询。",
            "contact_name": "周振宇",
            "landline": "0951-2076655",
            "mobile": "13895000013",
            "introduction": "通过 CMA 资质认定和 CNAS 实验室认可的第三方检测机构，"
            "检测能力覆盖枸杞、葡萄酒、乳制品等宁夏特色产品。",
        },
    ),
    "inst_ip": (
        None,
        ["technology_quality", "legal"],
        ["yinchuan", "xingqing", "goji"],
        {
            "name": "宁夏知信知识产权代理有限公司",
            "credit_code": credit_code("91640104", "MA75P8W1"),
            "legal_representative": "韩雪",
            "registered_capital": Decimal("100.00"),
            "established_on": date(2016, 4, 20),
            "institution_type": "enterprise",
            "district": "xingqing",
            "service_area": "宁夏全区",
            "registered_address": "银川市兴庆区凤凰北街 118 号创业大厦 9 层",
            "business_scope": "商标代理、专利代理、版权登记、知识产权咨询与维权。",
            "contact_name": "韩雪",
            "landline": "0951-6093377",
            "mobile": "13895000014",
            "introduction": "国家知识产权局备案的专利代理机构，累计代理商标、专利申请 8000 余件。",
        },
    ),
    "inst_training": (
        None,
        ["talent_training", "startup"],
        ["yinchuan", "helan", "wine"],
        {
            "name": "贺兰县新技能职业技能培训学校",
            "credit_code": credit_code("52640122", "MJ310457"),
            "legal_representative": "刘春梅",
            "registered_capital": Decimal("30.00"),
            "established_on": date(2015, 9, 1),
            "institution_type": "non_enterprise",
            "district": "helan",
            "service_area": "银川市及石嘴山市",
            "registered_address": "贺兰县习岗镇银河东路 36 号",
            "business_scope": "职业技能培训、创业培训、特种作业培训组织。",
            "contact_name": "刘春梅",
            "landline": "0951-8067722",
            "mobile": "13895000015",
            "introduction": "人社部门认定的定点培训机构，年培训电工、焊工、酿酒师等技能人才 3000 余人次。",
        },
    ),
    "inst_guarantee": (
        None,
        ["financing"],
        ["yinchuan", "jinfeng"],
        {
            "name": "宁夏银信融资担保有限公司",
            "credit_code": credit_code("91640106", "MA76C4T9"),
            "legal_representative": "丁海军",
            "registered_capital": Decimal("30000.00"),
            "established_on": date(2010, 12, 6),
            "institution_type": "enterprise",
            "district": "jinfeng",
            "service_area": "宁夏全区",
            "registered_address": "银川市金凤区宁安大街 490 号金融中心 22 层",
            "business_scope": "借款类担保、发行债券担保、融资租赁咨询、财务顾问。",
            "contact_name": "丁海军",
            "landline": "0951-5098899",
            "mobile": "13895000016",
            "introduction": "政府性融资担保体系成员，与区内 20 余家银行建立合作，累计为中小微企业担保贷款 60 亿元。",
        },
    ),
    "inst_it": (
        None,
        ["information", "technology_quality"],
        ["yinchuan", "xixia", "ningdong"],
        {
            "name": "宁夏云帆数智科技有限公司",
            "credit_code": credit_code("91640105", "MA77D6N3"),
            "legal_representative": "陈思远",
            "registered_capital": Decimal("500.00"),
            "established_on": date(2018, 5, 16),
            "institution_type": "enterprise",
            "district": "xixia",
            "service_area": "宁夏全区",
            "registered_address": "银川市西夏区怀远西路 12 号科技孵化大厦 15 层",
            "business_scope": "软件开发、信息系统集成、云计算服务、电子商务平台建设。",
            "contact_name": "陈思远",
            "landline": "0951-2059900",
            "mobile": "13895000017",
            "introduction": "国家高新技术企业，为制造、商贸与化工企业提供上云、软件定制与数字化改造服务。",
        },
    ),
    "inst_expo": (
        None,
        ["market_development"],
        ["yinchuan", "xingqing", "wine"],
        {
            "name": "宁夏塞上会展品牌策划有限公司",
            "credit_code": credit_code("91640104", "MA76E7H2"),
            "legal_representative": "苏晓燕",
            "registered_capital": Decimal("200.00"),
            "established_on": date(2012, 8, 28),
            "institution_type": "enterprise",
            "district": "xingqing",
            "service_area": "全国",
            "registered_address": "银川市兴庆区新华东街 209 号国际商务中心 12 层",
            "business_scope": "会议及展览服务、品牌策划、广告设计、电子商务运营、进出口代理。",
            "contact_name": "苏晓燕",
            "landline": "0951-6051234",
            "mobile": "13895000018",
            "introduction": "连续多年承办葡萄酒、枸杞等特色产业展会，为企业提供参展、品牌与电商一体化服务。",
        },
    ),
    "inst_wine": (
        "Institution (wine-industry centre, 葡萄酒)",
        ["technology_quality", "market_development", "startup"],
        ["yinchuan", "yongning", "wine"],
        {
            "name": "贺兰山东麓葡萄酒产业服务中心",
            "credit_code": credit_code("12640121", "45770913"),
            "legal_representative": "马丽萍",
            "registered_capital": Decimal("300.00"),
            "established_on": date(2013, 6, 18),
            "institution_type": "public",
            "district": "yongning",
            "service_area": "贺兰山东麓葡萄酒产区",
            "registered_address": "永宁县闽宁镇福宁路 88 号",
            "business_scope": "葡萄种植与酿造技术推广、葡萄酒质量检测、酒庄孵化与品牌推广。",
            "contact_name": "马丽萍",
            "landline": "0951-8012580",
            "mobile": "13895000019",
            "introduction": "服务贺兰山东麓产区酒庄与种植户的公益性技术服务机构。",
        },
    ),
    "inst_safety": (
        None,
        ["management_consulting", "talent_training", "technology_quality"],
        ["yinchuan", "lingwu", "ningdong"],
        {
            "name": "宁夏宁东安泰安全技术咨询有限公司",
            "credit_code": credit_code("91640181", "MA76F9L4"),
            "legal_representative": "王志刚",
            "registered_capital": Decimal("600.00"),
            "established_on": date(2014, 11, 11),
            "institution_type": "enterprise",
            "district": "lingwu",
            "service_area": "宁东能源化工基地及周边",
            "registered_address": "灵武市宁东镇企业总部大楼 A 座 7 层",
            "business_scope": "安全评价、安全生产标准化咨询、安全培训、职业卫生技术服务。",
            "contact_name": "王志刚",
            "landline": "0951-3096611",
            "mobile": "13895000020",
            "introduction": "具备安全评价资质，深耕宁东基地煤化工企业安全生产服务十年。",
        },
    ),
}

# The contacts printed on services, by institution.
DEMO_INSTITUTION_CONTACT = ("李强", "0951-5012345")

LISTED, PENDING, DRAFT = ServiceStatus.LISTED, ServiceStatus.PENDING, ServiceStatus.DRAFT
ACROSS_YINCHUAN = "银川市全域"


def service(username, title, category, windows, price, summary, content, process, duration, area, **extra):
    """One demo service; `price` is None (面议) or (amount, PriceUnit)."""
    return {
        "username": username,
        "title": title,
        "category": category,
        "windows": windows,
        "price": price,
        "summary": summary,
        "content": content,
        "process": process,
        "duration": duration,
        "service_area": area,
        "status": extra.get("status", LISTED),
        "image": extra.get("image"),
    }


SERVICES = [
    # 宁夏贺兰山管理咨询有限公司 (certification.demo)
    service(
        "demo_institution",
        "中小企业发展战略咨询与商业模式梳理",
        "management_consulting-strategy",
        ["yinchuan", "jinfeng"],
        None,
        "为成长期中小企业梳理发展战略和商业模式，制定三年发展规划与年度经营计划。",
        "1. 企业现状诊断：经营、财务、组织与市场四个维度访谈调研；\n"
        "2. 行业与竞争分析，明确目标市场与核心竞争力；\n"
        "3. 制定三年发展战略与年度经营计划，配套关键指标；\n"
        "4. 方案落地辅导三个月。",
        "需求沟通 → 签订合同 → 入企调研 → 方案研讨 → 交付报告 → 落地辅导",
        "6–8 周",
        ACROSS_YINCHUAN,
        image="#1d4e89",
    ),
    service(
        "demo_institution",
        "企业中层管理能力提升培训",
        "talent_training-management",
        ["yinchuan", "jinfeng"],
        (Decimal("1800"), PriceUnit.PER_PERSON_DAY),
        "面向企业中层管理人员的两天实战培训，提升团队管理、目标管理与沟通协调能力。",
        "课程模块：角色认知与管理职责、目标分解与绩效跟进、高效沟通与跨部门协作、团队激励与辅导。\n"
        "采用案例研讨、情景演练的方式，可按企业需求定制内训。",
        "确定需求 → 定制课程 → 组织培训 → 课后测评与跟踪",
        "2 天",
        ACROSS_YINCHUAN,
    ),
    service(
        "demo_institution",
        "枸杞企业绩效考核与薪酬体系设计",
        "management_consulting-hr",
        ["yinchuan", "goji"],
        None,
        "为枸杞种植、加工企业设计岗位体系、绩效考核和薪酬方案，兼顾季节性用工特点。",
        "岗位梳理与岗位说明书编写；绩效指标设计与考核办法；薪酬结构与计件、计时工资方案；\n"
        "季节性采摘用工的管理与激励办法。",
        "调研访谈 → 方案设计 → 管理层研讨 → 试运行 → 优化定稿",
        "4–6 周",
        "银川市及中宁县",
    ),
    service(
        "demo_institution",
        "中高级管理人才招聘与猎头服务",
        "talent_training-recruiting",
        ["yinchuan", "jinfeng", "goji"],
        None,
        "为企业寻访总经理、财务总监、技术负责人等中高级人才，按岗位年薪比例收费。",
        "岗位画像与薪酬建议；人才寻访与背景调查；面试安排与录用谈判；入职后三个月保证期。",
        "签订委托 → 岗位分析 → 人才寻访 → 推荐面试 → 录用入职 → 保证期跟踪",
        "30–60 天",
        "宁夏全区",
    ),
    # 宁夏塞上明德律师事务所
    service(
        "inst_law",
        "中小企业常年法律顾问服务",
        "legal-counsel",
        ["yinchuan", "jinfeng", "ningdong"],
        (Decimal("30000"), PriceUnit.PER_YEAR),
        "为中小企业提供全年法律咨询、合同审查、律师函与法律风险体检，防范经营中的法律风险。",
        "1. 日常法律咨询（电话、微信、当面）不限次数；\n"
        "2. 合同审查与修改每年不超过 60 份；\n"
        "3. 每年一次企业法律风险体检并出具报告；\n"
        "4. 代发律师函、参与重大商务谈判。",
        "需求沟通 → 签订顾问合同 → 指定顾问律师 → 全年服务 → 年度总结",
        "1 年",
        "宁夏全区",
        image="#7b2d26",
    ),
    service(
        "inst_law",
        "商务合同审查与法律风险评估",
        "legal-contract",
        ["yinchuan", "jinfeng"],
        (Decimal("800"), PriceUnit.PER_ITEM),
        "律师逐条审查采购、销售、租赁、合作等合同，标注法律风险并给出修改建议。",
        "审查合同主体、标的、价款、履行、违约责任与争议解决条款；\n出具书面审查意见，必要时提供修订稿。",
        "提交合同 → 律师审查 → 出具意见 → 答疑沟通",
        "3 个工作日",
        ACROSS_YINCHUAN,
    ),
    service(
        "inst_law",
        "劳动争议法律咨询与仲裁代理",
        "legal-labour",
        ["yinchuan", "jinfeng"],
        None,
        "为企业处理劳动合同解除、工伤、加班费等劳动争议，提供法律咨询和劳动仲裁代理。",
        "劳动用工制度合规审查；劳动争议调解与谈判；劳动仲裁及一审、二审诉讼代理；\n规章制度与员工手册修订。",
        "案情咨询 → 证据梳理 → 签订委托 → 仲裁/诉讼代理 → 结案",
        "视案件而定",
        ACROSS_YINCHUAN,
    ),
    service(
        "inst_law",
        "商事纠纷调解与仲裁代理",
        "legal-mediation",
        ["yinchuan", "jinfeng"],
        None,
        "货款拖欠、合作纠纷等商事争议的调解与仲裁代理，帮助企业低成本化解纠纷、回收账款。",
        "纠纷评估与方案建议；商事调解组织调解；银川仲裁委员会仲裁代理；执行阶段财产线索查找。",
        "咨询评估 → 确定方案 → 调解或仲裁 → 执行跟进",
        "1–3 个月",
        "宁夏全区",
    ),
    service(
        "inst_law",
        "股权架构设计与股权激励法律服务",
        "legal-counsel",
        ["yinchuan", "jinfeng"],
        None,
        "为初创和成长期企业设计股权架构、起草股东协议和股权激励方案，防范控制权与退出纠纷。",
        "现有股权结构诊断；持股平台设计；股东协议与公司章程起草；期权、限制性股权激励方案及配套法律文件。",
        "访谈 → 方案设计 → 文件起草 → 签署辅导",
        "3–4 周",
        "宁夏全区",
        status=PENDING,
    ),
    # 宁夏知信知识产权代理有限公司
    service(
        "inst_ip",
        "商标注册申请代理",
        "technology_quality-ip",
        ["yinchuan", "xingqing", "goji"],
        (Decimal("800"), PriceUnit.PER_ITEM),
        "商标查询、类别规划与注册申请代理，一个类别一件收费（含官费），驳回可免费复审。",
        "商标近似查询与注册风险评估；商品和服务类别规划；申请文件制作与递交；\n审查进度跟踪，驳回复审与异议答辩。",
        "商标查询 → 确定类别 → 签约付款 → 递交申请 → 跟踪下证",
        "约 6–9 个月下证",
        "宁夏全区",
        image="#3b6e3b",
    ),
    service(
        "inst_ip",
        "发明专利与实用新型专利申请代理",
        "technology_quality-ip",
        ["yinchuan", "xingqing"],
        (Decimal("3500"), PriceUnit.PER_ITEM),
        "专利代理师撰写申请文件并代理发明、实用新型专利申请，含审查意见答复。",
        "技术交底与专利检索；权利要求与说明书撰写；申请递交与费用减缴办理；审查意见答复。",
        "技术交底 → 检索分析 → 撰写定稿 → 递交 → 答复审查意见 → 授权",
        "实用新型约 6 个月，发明约 18–24 个月",
        "宁夏全区",
    ),
    service(
        "inst_ip",
        "枸杞地理标志与集体商标申请服务",
        "technology_quality-ip",
        ["yinchuan", "goji"],
        None,
        "帮助枸杞产业协会、合作社申请地理标志证明商标和集体商标，保护产区品牌。",
        "产地范围与质量特色材料整理；使用管理规则起草；地理标志商标申请与答辩；\n授权后的品牌使用管理辅导。",
        "需求沟通 → 材料收集 → 申请递交 → 审查答辩 → 注册公告",
        "12–18 个月",
        "宁夏枸杞产区",
    ),
    service(
        "inst_ip",
        "知识产权侵权维权与法律服务",
        "legal-ip_law",
        ["yinchuan", "xingqing", "goji"],
        None,
        "商标、专利、版权侵权的取证、投诉、行政查处与诉讼维权，打击仿冒枸杞品牌等侵权行为。",
        "侵权比对分析；公证取证与电商平台投诉；市场监管部门行政投诉；侵权诉讼与和解谈判。",
        "侵权评估 → 取证 → 投诉或起诉 → 和解或判决 → 执行",
        "视案件而定",
        "全国",
    ),
    service(
        "inst_ip",
        "专利导航与技术转移对接服务",
        "technology_quality-transfer",
        ["yinchuan", "xingqing"],
        None,
        "围绕企业主导产品开展专利导航分析，对接区内外高校院所的专利技术转移转化。",
        "行业专利态势分析；核心技术与竞争对手专利布局报告；高校院所专利技术推荐与许可谈判。",
        "需求确认 → 检索分析 → 报告交付 → 技术对接",
        "4–8 周",
        "宁夏全区",
        status=PENDING,
    ),
    # 宁夏正信税务师事务所有限公司
    service(
        "inst_tax",
        "小微企业代理记账与纳税申报",
        "management_consulting-finance_tax",
        ["yinchuan", "xingqing"],
        (Decimal("300"), PriceUnit.PER_MONTH),
        "为小规模纳税人提供代理记账、月度税务申报和年度汇算清缴，兼做日常税务咨询。",
        "原始凭证整理与记账；增值税、个人所得税等月度、季度纳税申报；财务报表编制；\n"
        "企业所得税汇算清缴与工商年报。一般纳税人价格另议。",
        "签订委托 → 交接票据 → 每月记账报税 → 年度汇算",
        "按月服务",
        ACROSS_YINCHUAN,
        image="#8a6d1d",
    ),
    service(
        "inst_tax",
        "企业所得税汇算清缴与税务筹划",
        "management_consulting-finance_tax",
        ["yinchuan", "xingqing"],
        (Decimal("5000"), PriceUnit.PER_TIME),
        "税务师审核纳税调整事项，办理企业所得税汇算清缴，并结合税收优惠政策做合规税务筹划。",
        "纳税调整项目审核；税收优惠政策适用分析（小微企业、西部大开发等）；\n汇算清缴申报与鉴证报告；税务风险提示。",
        "资料提交 → 审核调整 → 出具报告 → 申报完成",
        "2–3 周",
        ACROSS_YINCHUAN,
    ),
    service(
        "inst_tax",
        "高新技术企业认定与研发费用加计扣除申报辅导",
        "information-policy",
        ["yinchuan", "xingqing"],
        None,
        "解读高新技术企业认定和研发费用加计扣除政策，辅导企业准备材料、完成申报，享受税收优惠。",
        "认定条件评估与差距分析；知识产权、研发项目与研发费用辅助账梳理；\n申报材料编写与网上申报；专家评审答辩辅导。",
        "免费评估 → 签订协议 → 材料准备 → 提交申报 → 公示认定",
        "2–3 个月",
        "宁夏全区",
    ),
    service(
        "inst_tax",
        "工商注册与税务登记代办",
        "startup-registration",
        ["yinchuan", "xingqing"],
        (Decimal("600"), PriceUnit.PER_TIME),
        "新办企业工商注册、刻章、银行开户与税务登记一站式代办，创业者少跑腿。",
        "名称核准、章程起草与营业执照办理；公章刻制备案；银行开户预约；税务登记、发票申领与税种核定。",
        "提交资料 → 名称核准 → 领取执照 → 刻章开户 → 税务登记",
        "5–7 个工作日",
        ACROSS_YINCHUAN,
    ),
    # 宁夏银信融资担保有限公司
    service(
        "inst_guarantee",
        "中小微企业流动资金贷款融资担保",
        "financing-guarantee",
        ["yinchuan", "jinfeng"],
        None,
        "为中小微企业向合作银行申请流动资金贷款提供融资担保，担保费率低至 1%，单户最高 1000 万元。",
        "担保额度 50 万元至 1000 万元，期限一年以内；\n"
        "对科技型、专精特新和农业产业化企业实行优惠费率；可配合政府贴息与风险补偿政策。",
        "提交申请 → 尽职调查 → 评审会 → 签订担保合同 → 银行放款",
        "10–15 个工作日",
        "宁夏全区",
        image="#5b3f8c",
    ),
    service(
        "inst_guarantee",
        "银企融资对接与信贷方案设计",
        "financing-credit",
        ["yinchuan", "jinfeng"],
        None,
        "根据企业经营与抵押物情况匹配合适的银行信贷产品，设计融资方案并陪同对接银行。",
        "企业融资需求诊断；信用贷、抵押贷、供应链金融等产品匹配；\n融资材料辅导；组织银企对接会，跟进审批放款。",
        "需求诊断 → 方案设计 → 银行对接 → 跟进放款",
        "2–4 周",
        "宁夏全区",
    ),
    service(
        "inst_guarantee",
        "设备融资租赁方案咨询",
        "financing-leasing",
        ["yinchuan", "jinfeng"],
        None,
        "为制造企业购置生产设备设计直租、售后回租等融资租赁方案，缓解一次性投入的资金压力。",
        "设备融资需求评估；直租与售后回租方案比较；对接合作租赁公司；租金测算与合同审查。",
        "需求评估 → 方案比较 → 租赁公司对接 → 签约放款",
        "2–3 周",
        "宁夏全区",
    ),
    service(
        "inst_guarantee",
        "科技型企业股权融资路演辅导",
        "financing-equity",
        ["yinchuan"],
        (Decimal("8000"), PriceUnit.PER_TIME),
        "打磨商业计划书与路演材料，组织投资机构路演对接，帮助科技型中小企业完成股权融资。",
        "商业计划书诊断与修改；估值与融资额建议；路演演练；对接区内外创投机构与产业基金。",
        "项目诊断 → 材料打磨 → 路演演练 → 投资人对接",
        "4–6 周",
        "宁夏全区",
    ),
    # 宁夏贺兰山检验检测有限公司
    service(
        "inst_testing",
        "枸杞农药残留与重金属检测",
        "technology_quality-testing",
        ["yinchuan", "goji"],
        (Decimal("1200"), PriceUnit.PER_TIME),
        "按国家标准检测枸杞干果中的农药残留、重金属和二氧化硫，出具 CMA 检测报告，满足出口和商超要求。",
        "检测项目：有机磷、拟除虫菊酯等 50 余项农药残留，铅、镉、砷、汞等重金属，二氧化硫残留。\n"
        "可加测枸杞多糖、总糖等品质指标。",
        "预约送样 → 样品登记 → 实验室检测 → 出具报告",
        "5 个工作日",
        "宁夏全区",
        image="#b35c00",
    ),
    service(
        "inst_testing",
        "食品安全检测与营养成分分析",
        "technology_quality-testing",
        ["yinchuan", "xixia"],
        (Decimal("680"), PriceUnit.PER_ITEM),
        "食品微生物、添加剂和营养成分检测，为食品生产企业的出厂检验和营养标签提供依据。",
        "菌落总数、大肠菌群、致病菌检测；防腐剂、甜味剂等添加剂检测；\n能量、蛋白质、脂肪、碳水化合物、钠五项营养成分分析。",
        "咨询报价 → 送样 → 检测 → 报告发送",
        "3–7 个工作日",
        "宁夏全区",
    ),
    service(
        "inst_testing",
        "绿色食品与有机产品认证咨询",
        "technology_quality-certification",
        ["yinchuan", "xixia", "goji"],
        None,
        "辅导农产品企业申请绿色食品、有机产品认证，包含产地环境检测和产品送检。",
        "认证条件评估；生产操作规程与质量管理制度编写；产地环境与产品检测；\n认证申请与现场检查陪同。",
        "评估 → 制度编写 → 检测 → 提交申请 → 现场检查 → 获证",
        "4–6 个月",
        "宁夏全区",
    ),
    # 宁夏云帆数智科技有限公司
    service(
        "inst_it",
        "中小企业上云与信息化系统建设",
        "information-it",
        ["yinchuan", "xixia", "ningdong"],
        None,
        "帮助中小企业把办公、财务、生产管理系统迁移上云，搭建网络与数据安全防护体系。",
        "信息化现状评估与上云规划；云主机、云存储与协同办公部署；\n网络安全等级保护咨询；可申请工信部门上云补贴。",
        "现场评估 → 方案报价 → 部署实施 → 培训验收 → 运维保障",
        "2–6 周",
        "宁夏全区",
        image="#00695c",
    ),
    service(
        "inst_it",
        "进销存与生产管理软件定制开发",
        "information-data",
        ["yinchuan", "xixia"],
        (Decimal("2000"), PriceUnit.PER_PERSON_DAY),
        "按企业业务流程定制进销存、生产排程和数据看板软件，支持手机端和扫码出入库。",
        "需求调研与原型设计；进销存、生产工单、质量追溯模块开发；\n数据统计看板；与财务软件和电商平台对接。",
        "需求调研 → 原型确认 → 开发测试 → 上线培训 → 维护",
        "1–3 个月",
        ACROSS_YINCHUAN,
    ),
    service(
        "inst_it",
        "企业电商小程序商城搭建",
        "information-ecommerce",
        ["yinchuan", "xixia"],
        (Decimal("15000"), PriceUnit.PER_TIME),
        "为枸杞、葡萄酒、牛羊肉等特产企业搭建微信小程序电商商城，打通会员、支付与物流。",
        "商城界面设计；商品、订单、会员、分销与优惠券功能；微信支付与物流接口；\n一年免费维护与运营培训。",
        "需求沟通 → 设计确认 → 开发上线 → 运营培训",
        "3–4 周",
        "全国",
    ),
    # 宁夏塞上会展品牌策划有限公司
    service(
        "inst_expo",
        "葡萄酒博览会参展与展会一站式服务",
        "market_development-exhibition",
        ["yinchuan", "wine"],
        (Decimal("9800"), PriceUnit.PER_TIME),
        "代办中国（宁夏）国际葡萄酒文化旅游博览会等展会的报名、展位设计搭建和现场服务，参展企业省心省力。",
        "展会报名与展位选址；标准展位及特装展位设计搭建；宣传物料制作；\n现场接待、品鉴会组织与客商邀约。",
        "报名咨询 → 签约 → 展位设计 → 搭建布展 → 现场服务 → 撤展总结",
        "展前 1 个月启动",
        "全国",
        image="#8e244d",
    ),
    service(
        "inst_expo",
        "企业品牌策划与视觉形象设计",
        "market_development-brand",
        ["yinchuan", "xingqing"],
        None,
        "为中小企业提炼品牌定位、设计标志和包装，打造有宁夏地域特色的品牌形象。",
        "品牌调研与定位；品牌命名与口号；标志与 VI 视觉识别系统；产品包装设计；\n品牌故事与宣传片策划。",
        "品牌诊断 → 定位策划 → 设计提案 → 修改定稿 → 交付规范",
        "4–8 周",
        "全国",
    ),
    service(
        "inst_expo",
        "枸杞等特色农产品电商运营托管",
        "market_development-online",
        ["yinchuan", "xingqing"],
        (Decimal("6000"), PriceUnit.PER_MONTH),
        "托管天猫、京东、抖音店铺的日常运营，负责枸杞等宁夏特产的上新、推广、直播和客服。",
        "店铺装修与商品详情页；平台活动报名与付费推广；短视频与直播带货；\n售前售后客服；每月运营数据报告。",
        "店铺诊断 → 制定方案 → 托管运营 → 月度复盘",
        "按月服务，3 个月起",
        "全国",
    ),
    service(
        "inst_expo",
        "跨境电商与外贸出口代理服务",
        "market_development-export",
        ["yinchuan", "xingqing", "wine"],
        None,
        "为葡萄酒、枸杞企业代办出口报关、检验检疫和退税，并开设亚马逊等跨境电商店铺。",
        "出口资质备案；报关报检与出口退税代办；海外展会与客户开发；\n跨境电商平台开店与运营指导。",
        "需求沟通 → 资质备案 → 订单出运 → 结汇退税",
        "视订单而定",
        "宁夏全区",
    ),
    service(
        "inst_expo",
        "宁夏特色农产品展销会组展服务",
        "market_development-exhibition",
        ["yinchuan", "xingqing"],
        None,
        "组织企业参加全国糖酒会、农交会等展销会，统一设计宁夏展团形象。",
        "展会筛选与报名；展团统一形象设计；物流运输与现场服务。",
        "报名 → 设计 → 布展 → 参展",
        "展前 2 个月启动",
        "全国",
        status=DRAFT,
    ),
    # 贺兰县新技能职业技能培训学校
    service(
        "inst_training",
        "电工、焊工职业技能培训与取证",
        "talent_training-skills",
        ["yinchuan", "helan"],
        (Decimal("2800"), PriceUnit.PER_PERSON),
        "低压电工、熔化焊接与热切割作业培训，理论加实操，考核合格取得特种作业操作证。",
        "理论课 40 学时、实操课 60 学时；模拟考场练习；统一报名考试；\n符合条件的学员可申请职业技能培训补贴。",
        "报名 → 理论学习 → 实操训练 → 考核取证",
        "约 15 天",
        "银川市及周边",
        image="#2e5e8c",
    ),
    service(
        "inst_training",
        "大学生与返乡青年创业培训（SYB）",
        "startup-training",
        ["yinchuan", "helan"],
        None,
        "人社部门补贴的 SYB 创业培训，帮助创业者评估创业想法、编写创业计划书，结业可申请创业担保贷款。",
        "课程：创业意识、创业项目选择、市场评估、企业组织、财务计划与风险防范；\n"
        "结业后提供创业担保贷款申请指导和一年跟踪辅导。符合条件者免费参训。",
        "报名审核 → 集中培训 → 编写计划书 → 结业 → 后续辅导",
        "10 天",
        "银川市全域",
    ),
    service(
        "inst_training",
        "葡萄酒酿酒师与品酒师培训",
        "talent_training-skills",
        ["yinchuan", "helan", "wine"],
        (Decimal("3600"), PriceUnit.PER_PERSON),
        "联合产区酒庄开设酿酒师、品酒师职业技能培训，课堂学习与酒庄实训结合，考核合格颁发证书。",
        "葡萄酒酿造工艺、发酵管理与质量控制；感官品评与酒评写作；\n酒庄实训与采收季酿造实践。",
        "报名 → 课堂学习 → 酒庄实训 → 考核发证",
        "20 天",
        "贺兰山东麓产区",
    ),
    # 贺兰山东麓葡萄酒产业服务中心
    service(
        "inst_wine",
        "酿酒葡萄种植与酿造技术指导",
        "technology_quality-transfer",
        ["yinchuan", "yongning", "wine"],
        None,
        "专家团队入园入企，指导酿酒葡萄标准化种植、埋土防寒和酿造工艺，推广产区新品种新技术。",
        "葡萄园土壤与水肥管理；病虫害绿色防控；冬季埋土与春季出土；\n酿造工艺诊断与新技术推广。",
        "提出需求 → 专家上门 → 制定方案 → 跟踪指导",
        "全年",
        "贺兰山东麓葡萄酒产区",
        image="#6a1b4d",
    ),
    service(
        "inst_wine",
        "葡萄酒质量检测与感官评价",
        "technology_quality-testing",
        ["yinchuan", "yongning", "wine"],
        (Decimal("900"), PriceUnit.PER_TIME),
        "检测葡萄酒酒精度、总酸、挥发酸、二氧化硫等理化指标，并由评酒员进行感官评价。",
        "理化指标检测（10 项）；感官品评与评语；检测报告可用于产品备案、参赛和出口。",
        "送样 → 检测与品评 → 出具报告",
        "5 个工作日",
        "宁夏全区",
    ),
    service(
        "inst_wine",
        "精品酒庄创业孵化服务",
        "startup-incubation",
        ["yinchuan", "yongning"],
        None,
        "为新建精品酒庄提供场地对接、政策申报、技术支持与市场推广的全流程孵化服务。",
        "葡萄基地与酿造车间对接；酒庄建设与生产许可申报辅导；\n共享酿酒设备与检测平台；产区品牌推广与品鉴活动。",
        "入孵申请 → 评审 → 签订协议 → 孵化服务 → 毕业评估",
        "1–2 年",
        "贺兰山东麓葡萄酒产区",
    ),
    # 宁夏宁东安泰安全技术咨询有限公司
    service(
        "inst_safety",
        "化工企业安全生产标准化达标咨询",
        "management_consulting-quality",
        ["yinchuan", "lingwu", "ningdong"],
        None,
        "辅导危险化学品企业建立安全生产标准化体系，完成自评与达标评审，提升本质安全水平。",
        "安全生产责任制与管理制度编写；风险分级管控与隐患排查治理双重预防机制建设；\n现场整改指导；自评报告与评审申请。",
        "现状诊断 → 体系建设 → 现场整改 → 自评 → 评审达标",
        "3–5 个月",
        "宁东能源化工基地",
        image="#c62828",
    ),
    service(
        "inst_safety",
        "危险化学品特种作业人员安全培训",
        "talent_training-skills",
        ["yinchuan", "lingwu", "ningdong"],
        (Decimal("1500"), PriceUnit.PER_PERSON),
        "化工自动化控制、危险化工工艺作业人员的安全技术培训，考核合格取得特种作业操作证。",
        "光气、氯化、加氢、聚合等危险工艺安全知识；应急处置与事故案例；\n仿真实操训练；组织考试取证与复审。",
        "报名 → 培训 → 仿真实操 → 考试取证",
        "7 天",
        "宁东能源化工基地",
    ),
    service(
        "inst_safety",
        "化工企业安全管理托管服务",
        "talent_training-outsourcing",
        ["yinchuan", "lingwu", "ningdong"],
        (Decimal("8000"), PriceUnit.PER_MONTH),
        "为中小化工企业派驻注册安全工程师，托管日常安全管理、隐患排查和安全台账，降低安全风险。",
        "派驻安全工程师每周到厂；隐患排查与整改跟踪；安全教育培训与应急演练；\n安全台账与迎检资料管理。",
        "现场评估 → 签订托管协议 → 派驻人员 → 月度报告",
        "按月服务，一年起",
        "宁东能源化工基地",
    ),
]


def service_picture(colour: str, label: str) -> ContentFile:
    """A plain illustration for a service, drawn here so the demo ships no binary files."""
    image = Image.new("RGB", (800, 450), colour)
    draw = ImageDraw.Draw(image)
    for step in range(6):
        inset = 40 + step * 28
        draw.ellipse((520 + inset // 2, -120 + inset, 980 - inset // 2, 340 - inset), outline="#ffffff", width=2)
    draw.rectangle((40, 330, 760, 334), fill="#ffffff")
    draw.text((40, 360), label, fill="#ffffff", font=ImageFont.load_default(size=36))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="demo-service.png")


def _institution(username, domain_codes, window_slugs, profile, admin):
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        organisation_register(
            user=user,
            kind=OrganisationKind.INSTITUTION,
            name=profile["name"],
            contact_name=profile["contact_name"],
            mobile=profile["mobile"],
        )
    organisation = user.organisation
    if approved_application(organisation) is None:
        certify(user, profile, admin, domain_codes)
        organisation.refresh_from_db()
    if not organisation.window_memberships.exists():
        windows = list(Window.objects.filter(slug__in=window_slugs))
        for membership in membership_apply(organisation=organisation, windows=windows, actor=user):
            membership_approve(membership=membership, actor=admin)
    return user


def _publishing_order(services):
    """Round-robin over the institutions, so the newest services come from many of them."""
    by_institution = {}
    for item in services:
        by_institution.setdefault(item["username"], []).append(item)
    return [item for group in zip_longest(*by_institution.values()) for item in group if item is not None]


def _publish(item, user, admin, categories, windows):
    institution = user.organisation
    if Service.objects.filter(institution=institution, title=item["title"]).exists():
        return
    contact_name, contact_phone = (
        DEMO_INSTITUTION_CONTACT
        if item["username"] == "demo_institution"
        else (INSTITUTIONS[item["username"]][3]["contact_name"], INSTITUTIONS[item["username"]][3]["landline"])
    )
    amount, unit = item["price"] or (None, "")
    draft = Service(
        title=item["title"],
        category=categories[item["category"]],
        price_mode=PriceMode.FIXED if amount is not None else PriceMode.NEGOTIABLE,
        price=amount,
        price_unit=unit,
        summary=item["summary"],
        content=item["content"],
        process=item["process"],
        duration=item["duration"],
        service_area=item["service_area"],
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    images = [service_picture(item["image"], f"DEMO  {item['category']}")] if item["image"] else []
    draft = service_save(
        service=draft, actor=user, windows=[windows[slug] for slug in item["windows"]], new_images=images
    )
    if item["status"] == DRAFT:
        return
    submitted = service_submit(service=draft, actor=user)
    if item["status"] == LISTED:
        service_approve(service=submitted, actor=admin)


def load(stdout):
    admin = User.objects.get(username="admin")
    users = {"demo_institution": User.objects.get(username="demo_institution")}
    logins = []
    for username, (label, domain_codes, window_slugs, profile) in INSTITUTIONS.items():
        users[username] = _institution(username, domain_codes, window_slugs, profile, admin)
        if label:
            logins.append((label, username, DEMO_PASSWORD))

    categories = {category.code: category for category in ServiceCategory.objects.all()}
    windows = {window.slug: window for window in Window.objects.all()}
    for item in _publishing_order(SERVICES):
        _publish(item, users[item["username"]], admin, categories, windows)
    return logins
