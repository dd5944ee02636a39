/**
 * CJK compatibility folding (no I/O). NFKC maps the Kangxi radicals (U+2F00-U+2FD5, e.g. ⾦ → 金) to
 * ordinary characters, but most of the CJK Radicals Supplement (U+2E80-U+2EFF) has no compatibility
 * decomposition, and PDF fonts (Chromium's CJK PDFs among them) map glyphs such as 民 to ⺠ U+2EA0.
 * This table maps the supplement radicals that stand for a whole character to that character.
 */
const SUPPLEMENT: Record<string, string> = {
  "\u2e81": "厂", "\u2e84": "乙", "\u2e86": "冂", "\u2e87": "几", "\u2e8c": "小", "\u2e8d": "小", "\u2e8e": "兀",
  "\u2e95": "彐", "\u2e9d": "月", "\u2e9f": "母", "\u2ea0": "民", "\u2ea2": "水", "\u2ea3": "灬", "\u2ea7": "牛",
  "\u2eab": "目", "\u2eae": "竹", "\u2eb6": "羊", "\u2eb7": "羊", "\u2eb8": "羊", "\u2ebc": "肉", "\u2ec2": "衣",
  "\u2ec4": "西", "\u2ec5": "见", "\u2ec6": "角", "\u2ec8": "讠", "\u2ec9": "贝", "\u2eca": "足", "\u2ecb": "车",
  "\u2ecc": "辶", "\u2ecd": "辶", "\u2ecf": "阝", "\u2ed0": "钅", "\u2ed1": "长", "\u2ed2": "长", "\u2ed3": "长",
  "\u2ed4": "门", "\u2ed6": "阝", "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦", "\u2eda": "页", "\u2edb": "风",
  "\u2edc": "飞", "\u2edd": "食", "\u2edf": "食", "\u2ee0": "饣", "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼",
  "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤", "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eeb": "斉",
  "\u2eec": "齐", "\u2eed": "歯", "\u2eee": "齿", "\u2eef": "竜", "\u2ef0": "龙", "\u2ef1": "龜", "\u2ef2": "亀",
  "\u2ef3": "龟",
};

const RE = /[\u2e80-\u2eff]/g;

/** NFKC plus the CJK Radicals Supplement table; length-preserving for BMP text except where NFKC is not. */
export function normalizeCjk(s: string): string {
  return s.normalize("NFKC").replace(RE, (c) => SUPPLEMENT[c] ?? c);
}
