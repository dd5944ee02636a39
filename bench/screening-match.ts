/**
 * Fuzzy phrase matching over Chinese full texts at the scale of Robertson & Lavee (2022): 2,838 papers ×
 * 45 phrases. Run: node --import tsx bench/screening-match.ts [--texts N] [--chars N] [--peer-texts N] [--no-peer]
 *
 * Texts are generated (seeded): sentences of common Chinese characters and medical vocabulary, with
 * about one in five texts carrying a planted, perturbed procurement phrase. Measured:
 *  1. afind: our running-cosine search (prepareText once per text, then 45 phrases) — records/s, one
 *     phrase at a time and batched by phrase length (afindRunningCosineMany; must give identical results);
 *  2. rules: the paper's full rule, fuzzy(@45 phrases, 0.28) NEAR/70 "供", through the rule engine;
 *  3. peer: R's stringdist::afind(texts, phrases, method = "running_cosine", nthread = 1) on the same
 *     texts, timed inside R (start-up and file reading excluded), in the same run; its distances and
 *     locations are compared with ours (must agree to 1e-9). R is much slower, so by default it runs on
 *     the first 300 texts (--peer-texts) and the comparison is per record. Skipped with a message if
 *     Rscript or stringdist is missing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afindRunningCosine, afindRunningCosineMany, prepareText } from "../src/screening/match/running-cosine.js";
import { makeRecord } from "../src/screening/records/record.js";
import { evaluateRule } from "../src/screening/rules/evaluate.js";
import { parseRules } from "../src/screening/rules/parse.js";
import { createRng } from "../src/stats/rng.js";

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const N_TEXTS = arg("--texts", 2838);
const N_CHARS = arg("--chars", 6000);
const noPeer = process.argv.includes("--no-peer");
const PEER_TEXTS = Math.min(arg("--peer-texts", 300), N_TEXTS);

// 45 phrases: the Robertson & Lavee targets seen in the shared sample, and more of the same kind
const PHRASES = [
  "脑死亡后,紧急气管插管", "脑死亡后,气管插管", "脑死亡后立即气管内插管给氧", "脑死亡后迅速气管插管", "脑死亡后插入气管导管",
  "供者气管插管", "供者行气管插管", "气管切开气管插管", "脑死亡后用麻醉机维持呼吸", "脑死亡后，用麻醉机维持呼吸",
  "供心保护脑死亡后用麻醉机维持呼吸", "快速胸部正中切口进胸", "面罩吸氧", "供体气管插管", "供体行气管插管",
  "供者机械通气", "供体机械通气", "脑死亡后呼吸机辅助呼吸", "供者呼吸机辅助通气", "供体心跳仍存在",
  "供者静脉注射肝素", "供体全身肝素化", "脑死亡后静脉推注肝素", "供者仍有自主心跳", "供心仍在跳动",
  "脑死亡后维持循环稳定", "供者血压维持正常", "供体给予多巴胺维持血压", "脑死亡后给予呼吸支持", "供者气管内插管",
  "供肺膨胀良好", "供者持续通气", "脑死亡后气管插管接呼吸机", "供者在手术室插管", "供体插管后开胸",
  "脑死亡后立即开胸", "供者麻醉后开胸", "供体经气管插管给氧", "供者心脏停搏前", "供心在跳动状态下取出",
  "脑死亡后行双肺通气", "供者纯氧通气", "供体肝素化后插管", "脑死亡后保持气道通畅", "供者气道吸引后插管",
];

const VOCAB = Array.from(
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严首底液官德随病苏失尔死讲配女黄推显谈罪神艺呢席含企望密批营项防举球英氧势告李台落木帮轮破亚师围注远字材排供河态封另施减树溶怎止案言士均武固叶鱼波视仅费紧爱左章早朝害续轻服试食充兵源判护司足某练差致板田降黑犯负击范继兴似余坚曲输修故城夫够送笔船占右财吃富春职觉汉画功巴跟虽杂飞检吸助升阳互初创抗考投坏策古径换未跑留钢曾端责站简述钱副尽帝射草冲承独令限阿宣环双请超微让控州良轴找否纪益依优顶础载倒房突坐粉敌略客袁冷胜绝析块剂测丝协诉念陈仍罗盐友洋错苦夜刑移频逐靠混母短皮终聚汽村云哪既距卫停烈央察烧迅境若印洲刻括激孔搞甚室待核校散侵吧甲游久菜味旧模湖货损预阻毫普稳乙妈植息扩银语挥酒守拿序纸医缺雨吗针刘啊急唱误训愿审附获茶鲜粮斤孩脱硫肥善龙演父渐血欢械掌歌沙刚攻谓盾讨晚粒乱燃矛乎杀药宁鲁贵钟煤读班伯香介迫句丰培握兰担弦蛋沉假穿执答乐谁顺烟缩征脸喜松脚困异免背星福买染井概慢怕磁倍祖皇促静补评翻肉践尼衣宽扬棉希伤操垂秋宜氢套督振架亮末宪庆编牛触映雷销诗座居抓裂胞呼娘景威绿晶厚盟衡鸡孙延危胶屋乡临陆顾掉呀灯岁措束耐剧玉赵跳哥季课凯胡额款绍卷齐伟蒸殖永宗苗川炉岩弱零杨奏沿露杆探滑镇饭浓航怀赶库夺伊灵税途灭赛归召鼓播盘裁险康唯录菌纯借糖盖横符私努堂域枪润幅哈竟熟虫泽脑壤碳欧遍侧寨敢彻虑斜薄庭纳弹饲伸折麦湿暗荷瓦塞床筑恶户访塔奇透梁刀旋迹卡氯遇份毒泥退洗摆灰彩卖耗夏择忙铜献硬予繁圈雪函亦抽篇阵阴丁尺追堆雄迎泛爸楼避谋吨野猪旗累偏典馆索秦脂潮爷豆忽托惊塑遗愈朱替纤粗倾尚痛楚谢奋购磨君池旁碎骨监捕弟暴割贯殊释词亡壁顿宝午尘闻揭炮残冬桥妇警综招吴付浮遭徐您摇谷赞箱隔订男吹园纷唐败宋玻巨耕坦荣闭湾键凡驻锅救恩剥凝碱齿截炼麻纺禁废盛版缓净睛昌婚涉筒嘴插岸朗庄街藏姑贸腐奴啦惯乘伙恢匀纱扎辩耳彪臣亿璃抵脉秀萨俄网舞店喷纵寸汗挂洪贺闪柬爆烯津稻墙软勇像滚厘蒙芳肯坡柱荡腿仪旅尾轧冰贡登黎削钻勒逃障氨郭峰币港伏轨亩毕擦莫刺浪秘援株健售股岛甘泡睡童铸汤阀休汇舍牧绕炸哲磷绩朋淡尖启陷柴呈徒颜泪稍忘泵蓝拖洞授镜辛壮锋贫虚弯摩泰幼廷尊窗纲弄隶疑氏宫姐震瑞怪尤琴循描膜违夹腰缘珠穷森枝竹沟催绳忆邦剩幸浆栏拥牙贮礼滤钠纹罢拍咱喊袖埃勤罚焦潜伍墨欲缝姓刊饱仿奖铝鬼丽跨默挖链扫喝袋炭污幕诸弧励梅奶洁灾舟鉴苯讼抱毁懂寒智埔寄届跃渡挑丹艰贝碰拔爹戴码梦芽熔赤渔哭敬颗奔铅仲虎稀妹乏珍申桌遵允隆螺仓魏锐晓氮兼隐碍赫拨忠肃缸牵抢博巧壳兄杜讯诚碧祥柯页巡矩悲灌龄伦票寻桂铺圣恐恰郑趣抬荒腾贴柔滴猛阔辆妻填撤储签闹扰紫砂递戏吊陶伐喂疗瓶婆抚臂摸忍虾蜡邻胸巩挤偶弃槽劲乳邓吉仁烂砖租乌舰伴瓜浅丙暂燥橡柳迷暖牌秧胆详簧踏瓷谱呆宾糊洛辉愤竞隙怒粘乃绪肩籍敏涂熙皆侦悬掘享纠醒狂锁淀恨牲霸爬赏逆玩陵祝秒浙貌役彼悉鸭趋凤晨畜辈秩卵署梯炎滩棋驱筛峡冒啥寿译浸泉帽迟硅疆贷漏稿冠嫩胁芯牢叛蚀奥鸣岭羊凭串塘绘酵融盆锡庙筹冻辅摄袭筋拒僚旱钾鸟漆沈眉疏添棒穗硝韩逼扭侨凉挺碗栽炒杯患馏劝豪辽勃鸿旦吏拜狗埋辊掩饮搬骂辞勾扣估蒋绒雾丈朵姆拟宇辑陕雕偿蓄崇剪倡厅咬驶薯刷斥番赋奉佛浇漫曼扇钙桃扶仔返俗亏腔鞋棱覆框悄叔撞骗勘旺沸孤吐孟渠屈疾妙惜仰狠胀谐抛霉桑岗嘛衰盗渗脏赖涌甜曹阅肌哩厉烃纬毅昨伪症煮叹钉搭茎笼酷偷弓锥恒杰坑鼻翼纶叙狱逮罐络棚抑膨蔬寺骤穆冶枯册尸凸绅坯牺焰轰欣晋瘦御锭锦丧旬锻垄搜扑邀亭酯迈舒脆酶闲忧酚顽羽涨卸仗陪辟惩杭姚肚捉飘漂昆欺吾郎烷汁呵饰萧雅邮迁燕撒姻赴宴烦债帐斑铃旨醇董饼雏姿拌傅腹妥揉贤拆歪葡胺丢浩徽昂垫挡览贪慰缴汪慌冯诺姜谊凶劣诬耀昏躺盈骑乔溪丛卢抹闷咨刮驾缆悟摘铒掷颇幻柄惠惨佳仇腊窝涤剑瞧堡泼葱罩霍捞胎苍滨俩捅湘砍霞邵萄疯淮遂熊粪烘宿档戈驳嫂裕徙箭捐肠撑晒辨殿莲摊搅酱屏疫哀蔡堵沫皱畅叠阁莱敲辖钩痕坝巷饿祸丘玄溜曰逻彭尝卿妨艇吞韦怨矮歇",
);

function generateTexts(n: number, chars: number, seed: number): string[] {
  const rng = createRng(seed);
  const texts: string[] = [];
  const punct = ["，", "。", "、", "；", ",", ".", " "];
  for (let t = 0; t < n; t++) {
    const parts: string[] = [];
    let len = 0;
    const plant = rng.uniform() < 0.2 ? rng.int(chars) : -1;
    let planted = false;
    while (len < chars) {
      if (!planted && plant >= 0 && len >= plant) {
        // a perturbed phrase: one character dropped or replaced, a PDF-style space inserted
        const p = Array.from(PHRASES[rng.int(PHRASES.length)]!);
        const k = rng.int(p.length);
        if (rng.uniform() < 0.5) p.splice(k, 1);
        else p[k] = VOCAB[rng.int(VOCAB.length)]!;
        p.splice(rng.int(p.length), 0, " ");
        parts.push(p.join(""));
        len += p.length;
        planted = true;
        continue;
      }
      const s = 8 + rng.int(30);
      let sentence = "";
      for (let i = 0; i < s; i++) sentence += VOCAB[Math.floor(VOCAB.length * rng.uniform() ** 2)]!; // skewed: common first
      sentence += punct[rng.int(punct.length)]!;
      parts.push(sentence);
      len += s + 1;
    }
    texts.push(parts.join("").slice(0, chars));
  }
  return texts;
}

function rPeer(texts: string[], phrases: string[]): { seconds: number; distance: number[][]; location: number[][] } | { skipped: string } {
  const probe = spawnSync("Rscript", ["-e", "suppressMessages(library(stringdist)); cat(as.character(packageVersion('stringdist')))"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return { skipped: `Rscript with stringdist not available (${probe.error?.message ?? probe.stderr.trim().split("\n").pop()})` };
  const dir = mkdtempSync(join(tmpdir(), "oa-bench-match-"));
  try {
    writeFileSync(join(dir, "texts.txt"), texts.join("\n") + "\n");
    writeFileSync(join(dir, "phrases.txt"), phrases.join("\n") + "\n");
    const script = [
      "suppressMessages(library(stringdist))",
      `x <- readLines("${join(dir, "texts.txt")}", encoding = "UTF-8")`,
      `p <- readLines("${join(dir, "phrases.txt")}", encoding = "UTF-8")`,
      "t <- system.time(r <- afind(x, p, method = 'running_cosine', nthread = 1L))[['elapsed']]",
      `write.table(r$distance, "${join(dir, "d.tsv")}", sep = "\\t", row.names = FALSE, col.names = FALSE)`,
      `write.table(r$location, "${join(dir, "l.tsv")}", sep = "\\t", row.names = FALSE, col.names = FALSE)`,
      "cat(sprintf('%.6f', t))",
    ].join("\n");
    writeFileSync(join(dir, "peer.R"), script);
    const r = spawnSync("Rscript", [join(dir, "peer.R")], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.status !== 0) return { skipped: `R failed: ${r.stderr.trim().split("\n").pop()}` };
    const parse = (f: string): number[][] =>
      readFileSync(join(dir, f), "utf8").trim().split("\n").map((l) => l.split("\t").map(Number));
    return { seconds: Number(r.stdout.trim()), distance: parse("d.tsv"), location: parse("l.tsv") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const texts = generateTexts(N_TEXTS, N_CHARS, 20221);
console.log(`${N_TEXTS} generated Chinese texts × ${N_CHARS} characters, ${PHRASES.length} phrases (q = 1, window = phrase length)`);

// 1. afind
afindRunningCosine(prepareText(texts[0]!), PHRASES[0]!); // warm-up
const ours: { d: number; l: number }[][] = [];
let t0 = performance.now();
for (const t of texts) {
  const pt = prepareText(t);
  ours.push(PHRASES.map((p) => {
    const r = afindRunningCosine(pt, p);
    return { d: r.distance ?? NaN, l: r.location ?? 0 };
  }));
}
const afindS = (performance.now() - t0) / 1000;

// 1b. the same searches batched by phrase length (one pass per length, shared window counts)
afindRunningCosineMany(prepareText(texts[0]!), PHRASES); // warm-up
let batchMismatch = 0;
t0 = performance.now();
texts.forEach((t, i) => {
  const res = afindRunningCosineMany(prepareText(t), PHRASES);
  res.forEach((r, j) => {
    if ((r.distance ?? NaN) !== ours[i]![j]!.d || (r.location ?? 0) !== ours[i]![j]!.l) batchMismatch++;
  });
});
const manyS = (performance.now() - t0) / 1000;

// 2. the paper's whole rule through the rule engine
const set = parseRules(`list targets = ${PHRASES.map((p) => JSON.stringify(p)).join(", ")}\nrule rl in fulltext: fuzzy(@targets, 0.28) NEAR/70 "供"`);
const records = texts.map((t, i) => makeRecord({ id: `t${i}`, source: { file: "generated", format: "fulltext", line: 1 }, title: "", fullText: t }));
t0 = performance.now();
let matched = 0;
for (const r of records) if (evaluateRule(set.rules[0]!, r).matched) matched++;
const rulesS = (performance.now() - t0) / 1000;

console.log("\n| what | seconds | records/s | phrase searches/s |");
console.log("|---|---:|---:|---:|");
const line = (what: string, s: number): void =>
  console.log(`| ${what} | ${s.toFixed(2)} | ${(N_TEXTS / s).toFixed(0)} | ${((N_TEXTS * PHRASES.length) / s).toFixed(0)} |`);
line("organ-audit afindRunningCosine, one phrase at a time", afindS);
line(`organ-audit afindRunningCosineMany, 45 phrases batched by length (${batchMismatch} differences from one-at-a-time)`, manyS);
line(`organ-audit rule fuzzy(@45, 0.28) NEAR/70 "供" (${matched} records match)`, rulesS);

if (noPeer) console.log("\npeer: skipped (--no-peer)");
else {
  const peer = rPeer(texts.slice(0, PEER_TEXTS), PHRASES);
  if ("skipped" in peer) console.log(`\npeer: skipped — ${peer.skipped}`);
  else {
    const rate = PEER_TEXTS / peer.seconds;
    console.log(`| peer: R stringdist::afind(method = 'running_cosine', nthread = 1), first ${PEER_TEXTS} texts | ${peer.seconds.toFixed(2)} | ${rate.toFixed(0)} | ${(rate * PHRASES.length).toFixed(0)} |`);
    let maxDiff = 0;
    let locMismatch = 0;
    for (let i = 0; i < PEER_TEXTS; i++)
      for (let j = 0; j < PHRASES.length; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(ours[i]![j]!.d - peer.distance[i]![j]!));
        if (ours[i]![j]!.l !== peer.location[i]![j]!) locMismatch++;
      }
    console.log(`\nratio (our records/s ÷ R's records/s): one at a time ${(N_TEXTS / afindS / rate).toFixed(1)}×, batched ${(N_TEXTS / manyS / rate).toFixed(1)}×`);
    console.log(`agreement with R on all ${PEER_TEXTS * PHRASES.length} searches: max |distance difference| = ${maxDiff.toExponential(2)}, location mismatches = ${locMismatch}`);
    if (!(maxDiff < 1e-9) || locMismatch > 0) {
      console.log("DISAGREEMENT WITH R");
      process.exitCode = 1;
    }
  }
}
