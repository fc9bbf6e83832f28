import { describe, expect, it } from "vitest";
import { defineMessages, localeFromAcceptLanguage, pickLocale, translate } from "../../src/app/_i18n/locale.ts";

describe("locale", () => {
  it("picks Simplified Chinese for any Chinese tag, English otherwise", () => {
    expect(pickLocale(["zh-CN", "en"])).toBe("zh-CN");
    expect(pickLocale(["zh-Hans-CN"])).toBe("zh-CN");
    expect(pickLocale(["fr-FR", "zh"])).toBe("zh-CN");
    expect(pickLocale(["en-GB", "zh-CN"])).toBe("en");
    expect(pickLocale(["fr-FR", "de"])).toBe("en");
    expect(pickLocale([])).toBe("en");
  });

  it("reads Accept-Language by quality, then by order", () => {
    expect(localeFromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("en;q=0.5, zh;q=0.7")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("zh;q=0, en")).toBe("en");
    expect(localeFromAcceptLanguage(null)).toBe("en");
    expect(localeFromAcceptLanguage("garbage;;;,")).toBe("en");
  });

  it("fills placeholders and leaves unknown ones as written", () => {
    const messages = defineMessages({ en: { hi: "Hi {name}, {n} new" }, "zh-CN": { hi: "{name}，你好，{n} 条新消息" } });
    expect(translate(messages, "en", "hi", { name: "Ada", n: 2 })).toBe("Hi Ada, 2 new");
    expect(translate(messages, "zh-CN", "hi", { name: "Ada" })).toBe("Ada，你好，{n} 条新消息");
  });
});
