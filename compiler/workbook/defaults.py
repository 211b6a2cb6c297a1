"""Default texts a blank workbook starts with (editable by the department). Where one states a
figure it names it (「项目支出」, compiler/derive/names.py), so it stays true year after year."""

# 第三部分 名词解释: the standard definitions used in municipal disclosures.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("机关运行经费", "为保障行政单位（包括参照公务员法管理的事业单位）运行，用一般公共预算拨款安排用于购买货物和服务的各项资金，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。"),
    ("“三公”经费", "纳入预算管理的“三公”经费，是指用一般公共预算拨款安排的公务接待费、公务用车购置及运行维护费和因公出国（境）费。其中，公务接待费反映单位按规定开支的各类公务接待支出；公务用车购置及运行维护费反映单位公务用车车辆购置支出（含车辆购置税），以及燃料费、维修费、保险费等支出；因公出国（境）费反映单位公务出国（境）的国际旅费、国外城市间交通费、食宿费等支出。"),
    ("财政拨款", "本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款和政府性基金预算财政拨款。"),
    ("基本支出", "单位为保障机构正常运转、完成日常工作任务而发生的各项支出。"),
    ("项目支出", "单位为完成特定的行政工作任务或事业发展目标，在基本支出之外发生的各项支出。"),
)

# 说明文字: keys the default templates use, with neutral starting texts.
TEXTS: tuple[tuple[str, str], ...] = (
    ("专项转移支付情况", "本部门预算没有安排专项转移支付项目。"),
    # figures by name (「」, docs/figure-names.md): filled in by the build, next year's after rollover
    ("绩效目标说明", "本部门「预算年度」年项目支出「项目支出」全部纳入预算绩效目标编报范围，"
     "按要求公开绩效目标相关情况，参见附表。"),
    ("机关运行经费说明", "主要用于保障机关正常运转。"),
    ("人员经费说明", "主要包括：基本工资、津贴补贴、社会保障缴费、离退休费等。"),
    ("公用经费说明", "主要包括：办公费、印刷费、水电费、差旅费、委托业务费等。"),
    ("因公出国（境）费说明", "主要用于单位工作人员公务出国（境）的住宿费、旅费、伙食补助费、杂费、培训费等支出。"),
    ("公务用车费说明", "主要用于开展工作所需公务用车的燃料费、维修费、过路过桥费、保险费等支出。"),
    ("公务接待费说明", "主要用于按规定开支的各类公务接待（含外宾接待）支出。"),
    ("经济分类说明", "按照《财政部关于印发〈支出经济分类科目改革方案〉的通知》（财预〔2017〕98号）要求，"
     "分设部门预算支出经济分类科目和政府预算支出经济分类科目，两套科目之间保持对应关系。"
     "《一般公共预算支出情况表》按两套经济分类科目反映全部预算支出。"),
)

# Defaults that state a fact about the department (none of its money is a 专项转移支付, every
# project has 绩效目标, what its running costs pay for): published unchanged they may be false,
# so `check` warns until someone rewrites them. The others are the standard definitions of the
# 三公 items and of the economic classification reform, true for every department.
TO_CONFIRM: frozenset[str] = frozenset({"专项转移支付情况", "绩效目标说明", "机关运行经费说明",
                                        "人员经费说明", "公用经费说明"})
