import type { Page } from "playwright-core";

/** What a person does on the demo page, step by step, as the e2e test and the README screenshot do it. */
export const demoPage = {
  async customerTexts(page: Page, customer: string, text: string, picture?: string): Promise<void> {
    await page.locator(".customer", { hasText: customer }).click();
    if (picture) {
      await page.locator("#attach-toggle").click();
      await page.locator(".sample", { hasText: picture }).click();
    }
    await page.locator("#phone-text").fill(text);
    await page.locator("#phone-text").press("Enter");
  },

  /** The thread whose parent's header is `title` (the customer's number as Threadline shows it). */
  parent(page: Page, title: string) {
    return page.locator("#channel-messages .message", {
      has: page.locator(".block-header", { hasText: title }),
    });
  },

  async openThread(page: Page, title: string): Promise<void> {
    await demoPage.parent(page, title).locator(".replies-bar").click();
  },

  async reply(page: Page, text: string): Promise<void> {
    await page.locator("#thread-text").fill(text);
    await page.locator("#thread-text").press("Enter");
  },

  async signIn(page: Page, teammate: string): Promise<void> {
    await page.locator("#teammate").selectOption({ label: teammate });
  },

  async assign(page: Page, title: string, teammate: string): Promise<void> {
    await demoPage.parent(page, title).locator(".block-select").first().click();
    await page.locator(".menu-item", { hasText: teammate }).click();
  },

  async command(page: Page, text: string): Promise<void> {
    await page.locator("#channel-text").fill(text);
    await page.locator("#channel-text").press("Enter");
  },
};
