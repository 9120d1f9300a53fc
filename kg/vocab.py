"""The countykg vocabulary in Python, mirroring ontology/countykg.ttl.

tests/test_vocab.py fails when the two disagree.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ID = Namespace("https://w3id.org/countykg/id/")  # instance IRIs: entities, documents, mentions


class CKG(DefinedNamespace):
    """countykg ontology: 县域发展知识图谱本体."""

    _fail = True  # closed: CKG.locatedln (a typo) raises instead of minting a new IRI

    # owl:Class
    AdministrativeDivision: URIRef  # 行政区划 / administrative division
    Province: URIRef  # 省级行政区 / province-level division
    Prefecture: URIRef  # 地级行政区 / prefecture-level division
    County: URIRef  # 县级行政区 / county-level division
    Township: URIRef  # 乡级行政区 / township-level division
    Village: URIRef  # 村级单位 / village or community
    Enterprise: URIRef  # 企业 / enterprise
    Project: URIRef  # 项目 / project
    Program: URIRef  # 政策项目 / programme
    Document: URIRef  # 来源文档 / source document
    Mention: URIRef  # 提及 / mention
    Evidence: URIRef  # 证据 / evidence
    ProjectStatus: URIRef  # 项目状态 / project status
    Indicator: URIRef  # 统计指标 / statistical indicator

    # owl:ObjectProperty
    locatedIn: URIRef  # 位于
    partOf: URIRef  # 隶属于
    implements: URIRef  # 实施
    developedBy: URIRef  # 由…开发
    mentionedIn: URIRef  # 见于文档
    mentionOf: URIRef  # 提及对象
    investment: URIRef  # 投资额
    capacity: URIRef  # 规模
    status: URIRef  # 状态
    indicator: URIRef  # 指标 (qb:DimensionProperty)

    # owl:DatatypeProperty
    sourceFile: URIRef  # 来源文件名
    sentence: URIRef  # 句子
    startOffset: URIRef  # 起始偏移
    endOffset: URIRef  # 结束偏移
    extractedBy: URIRef  # 抽取规则
    divisionCode: URIRef  # 行政区划代码
    phase: URIRef  # 期次
    year: URIRef  # 年份

    # qb:DataStructureDefinition
    countyStatisticsStructure: URIRef  # 县域统计数据结构

    _NS = Namespace("https://w3id.org/countykg/ontology#")
