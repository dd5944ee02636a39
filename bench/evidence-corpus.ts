/**
 * Generated corpus for the evidence search benchmark: mixed Chinese/English documents that look like the
 * archive's material (hospital pages, notices, papers, media reports), all invented, seeded (same seed →
 * same corpus). About 30% of the Chinese documents are converted to traditional characters with OpenCC.
 */
import * as OpenCC from "opencc-js";
import { createRng, type Rng } from "../src/stats/rng.js";

// invented place names: 40 x 40 = 1,600 two-character names, so a given hospital is in ~0.1% of documents
const SYL1 = [..."江临北南东西青白长安清云金石平新宁和顺兴华泰丰永康乐明阳春秋山河湖海林溪桥岭原川港"];
const SYL2 = [..."川河岭湖港山原水宁平溪岗州城阳台口坪桥坝渡塘湾滩峰谷田源泉庄集镇关堡营寨店铺场沟"];
const CITIES = SYL1.flatMap((a) => SYL2.map((b) => a + b));
const ORDINALS = ["第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八"];
const DEPTS = ["器官移植中心", "肝移植科", "肾移植科", "心脏外科", "泌尿外科", "重症医学科"];
const ZH_SENTENCES = [
  "{h}{d}成立于{y}年，是省卫生健康委员会批准的器官移植定点单位。",
  "本中心{y}年完成肝移植{n}例、肾移植{m}例，平均等待时间为{w}天。",
  "据报道，{h}的肾脏移植手术数量连续三年位居全省前列。",
  "中国器官移植发展基金会与{h}开展了学术交流。",
  "公民逝世后器官捐献工作自{y}年起在本省全面推开。",
  "医院表示，供体来源符合国家有关法规，等待时间一般为一到两周。",
  "该院{d}共有床位{b}张，医护人员{m}名。",
  "患者术后接受免疫抑制治疗，随访结果良好。",
  "卫生部关于规范活体器官移植的若干规定自{y}年起施行。",
  "器官分配与共享计算机系统于{y}年正式上线运行。",
  "血液检测和体格检查的记录在多份证词中被提及。",
  "新闻发布会上，官员表示器官捐献数量逐年增长。",
  "文件编号：卫医发〔{y}〕{r}号。",
];
const EN_SENTENCES = [
  "The {d} reported {n} liver transplants in {y}, with an average waiting time of {w} days.",
  "Officials stated that all organs came from voluntary donations after {y}.",
  "The hospital's transplant capacity grew from {b} beds to {m} beds.",
  "Researchers compared official donor figures with hospital-level data.",
  "Patients received immunosuppression therapy and were followed up for one year.",
  "A media report described kidney transplantation waiting times of less than two weeks.",
  "The registry data show a regular pattern that is consistent with a quadratic formula.",
  "Testimony mentioned blood tests and physical examinations in detention.",
  "The centre was approved as a designated transplant hospital in {y}.",
  "Transplanted organs were allocated through the national computer system.",
  "Document reference TX-{r}-{y} was archived on the hospital website.",
];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function fill(rng: Rng, s: string): string {
  return s
    .replace(/\{h\}/g, () => `${pick(rng, CITIES)}市${pick(rng, ORDINALS)}人民医院`)
    .replace(/\{d\}/g, () => pick(rng, DEPTS))
    .replace(/\{y\}/g, () => String(1995 + rng.int(30)))
    .replace(/\{n\}/g, () => String(10 + rng.int(3000)))
    .replace(/\{m\}/g, () => String(10 + rng.int(900)))
    .replace(/\{b\}/g, () => String(20 + rng.int(500)))
    .replace(/\{w\}/g, () => String(1 + rng.int(60)))
    .replace(/\{r\}/g, () => String(100000 + rng.int(900000)));
}

export interface CorpusDoc {
  id: string;
  text: string;
  type: string;
  date: string;
}

const TYPES = ["hospital-web-page", "medical-paper", "policy-document", "media-report", "official-statistic"];

export function generateCorpus(n: number, seed = 20261128): CorpusDoc[] {
  const rng = createRng(seed);
  const s2t = OpenCC.Converter({ from: "cn", to: "t" });
  const docs: CorpusDoc[] = [];
  for (let i = 0; i < n; i++) {
    const kind = rng.uniform();
    const parts: string[] = [];
    const sentences = 3 + rng.int(10);
    for (let k = 0; k < sentences; k++) {
      // 0-0.45: Chinese, 0.45-0.75: English, rest: mixed sentence by sentence
      const zh = kind < 0.45 ? true : kind < 0.75 ? false : rng.uniform() < 0.5;
      parts.push(fill(rng, zh ? pick(rng, ZH_SENTENCES) : pick(rng, EN_SENTENCES)));
    }
    let text = parts.join(kind < 0.45 ? "" : " ");
    if (kind < 0.45 && rng.uniform() < 0.3) text = s2t(text);
    const year = 2000 + rng.int(26);
    const month = 1 + rng.int(12);
    docs.push({ id: `doc-${i}`, text, type: TYPES[rng.int(TYPES.length)]!, date: `${year}-${String(month).padStart(2, "0")}-15T00:00:00Z` });
  }
  return docs;
}
