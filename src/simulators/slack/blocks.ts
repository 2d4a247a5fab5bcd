import { randomBytes } from "node:crypto";
import type { Json } from "./types.js";

// Slack's documented Block Kit limits, checked because real Slack rejects the whole message with
// invalid_blocks when one is exceeded; a simulator that accepted them would hide the bug until production.
// A message holds 50 blocks; a view (modal, home tab) 100.
const MAX_BLOCKS = 50;
export const MAX_VIEW_BLOCKS = 100;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Collects errors in Slack's wording: "<problem> [json-pointer:/blocks/0/text/text]". */
class Checker {
  readonly errors: string[] = [];

  fail(message: string, pointer: string): void {
    this.errors.push(`${message} [json-pointer:${pointer}]`);
  }

  text(value: unknown, pointer: string, max: number, plainOnly = false): void {
    if (!isObject(value)) {
      this.fail("must provide an object", pointer);
    } else if (value.type !== "plain_text" && (plainOnly || value.type !== "mrkdwn")) {
      this.fail(
        `must be a valid enum value (${plainOnly ? "plain_text" : "plain_text, mrkdwn"})`,
        `${pointer}/type`,
      );
    } else {
      this.string(value.text, `${pointer}/text`, max);
    }
  }

  string(value: unknown, pointer: string, max: number): void {
    if (typeof value !== "string") this.fail("must be a string", pointer);
    else if (value.length === 0) this.fail("must be more than 0 characters", pointer);
    else if (value.length > max) this.fail(`must be less than ${max + 1} characters`, pointer);
  }

  optionalString(value: unknown, pointer: string, max: number): void {
    if (value !== undefined) this.string(value, pointer, max);
  }

  items(value: unknown, pointer: string, min: number, max: number): unknown[] {
    if (!Array.isArray(value)) {
      this.fail("must be an array", pointer);
      return [];
    }
    if (value.length < min) this.fail(`must provide at least ${min} items`, pointer);
    if (value.length > max) this.fail(`must provide no more than ${max} items`, pointer);
    return value;
  }

  element(element: unknown, pointer: string): void {
    if (!isObject(element) || typeof element.type !== "string") {
      this.fail("must provide an object", pointer);
      return;
    }
    this.optionalString(element.action_id, `${pointer}/action_id`, 255);
    if (element.type === "button") {
      this.text(element.text, `${pointer}/text`, 75, true);
      this.optionalString(element.value, `${pointer}/value`, 2000);
      this.optionalString(element.url, `${pointer}/url`, 3000);
    } else if (element.type === "overflow") {
      // An overflow menu holds 2 to 5 options (each plain text ≤ 75 characters, value ≤ 150).
      this.items(element.options, `${pointer}/options`, 2, 5);
      this.options(element.options, `${pointer}/options`);
    } else if (element.type.endsWith("_select") && element.placeholder !== undefined) {
      this.text(element.placeholder, `${pointer}/placeholder`, 150, true);
    }
  }

  block(block: unknown, pointer: string): void {
    if (!isObject(block) || typeof block.type !== "string") {
      this.fail("must provide an object", pointer);
      return;
    }
    this.optionalString(block.block_id, `${pointer}/block_id`, 255);
    switch (block.type) {
      case "section":
        if (block.text === undefined && block.fields === undefined) {
          this.fail("must provide either text or fields", pointer);
        }
        if (block.text !== undefined) this.text(block.text, `${pointer}/text`, 3000);
        if (block.fields !== undefined) {
          this.items(block.fields, `${pointer}/fields`, 1, 10).forEach((field, i) => {
            this.text(field, `${pointer}/fields/${i}`, 2000);
          });
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${pointer}/accessory`);
        break;
      case "header":
        this.text(block.text, `${pointer}/text`, 150, true);
        break;
      case "actions":
        this.items(block.elements, `${pointer}/elements`, 1, 25).forEach((element, i) => {
          this.element(element, `${pointer}/elements/${i}`);
        });
        break;
      case "context":
        this.items(block.elements, `${pointer}/elements`, 1, 10).forEach((element, i) => {
          if (isObject(element) && element.type !== "image")
            this.text(element, `${pointer}/elements/${i}`, 3000);
        });
        break;
      case "input":
        this.text(block.label, `${pointer}/label`, 2000, true);
        this.element(block.element, `${pointer}/element`);
        break;
    }
  }

  options(value: unknown, pointer: string): void {
    this.items(value, pointer, 0, 100).forEach((option, i) => {
      if (!isObject(option)) {
        this.fail("must provide an object", `${pointer}/${i}`);
      } else {
        this.text(option.text, `${pointer}/${i}/text`, 75, true);
        this.string(option.value, `${pointer}/${i}/value`, 150);
      }
    });
  }
}

/** Slack's `errors` strings for blocks it would refuse; empty when the blocks are acceptable. */
export function blockErrors(blocks: Json[], maxBlocks = MAX_BLOCKS): string[] {
  const checker = new Checker();
  if (blocks.length > maxBlocks) checker.fail(`must provide no more than ${maxBlocks} items`, "/blocks");
  blocks.forEach((block, i) => {
    checker.block(block, `/blocks/${i}`);
  });
  return checker.errors;
}

/** Slack fills in a block_id on every block that lacks one, and returns the blocks that way. */
export function withBlockIds(blocks: Json[]): Json[] {
  return blocks.map((block) =>
    typeof block.block_id === "string" ? block : { ...block, block_id: randomBytes(3).toString("base64url") },
  );
}

/** Finds the interactive element with `actionId` the way a user would see it in the message. */
export function findElement(
  blocks: Json[],
  actionId: string,
): { blockId: string; element: Json } | undefined {
  for (const block of blocks) {
    const candidates = [
      block.accessory,
      block.element,
      ...(Array.isArray(block.elements) ? block.elements : []),
    ];
    for (const element of candidates) {
      if (isObject(element) && element.action_id === actionId) {
        return { blockId: String(block.block_id), element };
      }
    }
  }
  return undefined;
}

/** Problems Slack would have with an options (block_suggestion) response; empty when it is valid. */
export function optionsResponseErrors(payload: Json): string[] {
  const checker = new Checker();
  if (payload.options !== undefined && payload.option_groups !== undefined) {
    checker.fail("must provide either options or option_groups, not both", "");
  } else if (payload.option_groups !== undefined) {
    checker.items(payload.option_groups, "/option_groups", 0, 100).forEach((group, i) => {
      if (!isObject(group)) {
        checker.fail("must provide an object", `/option_groups/${i}`);
      } else {
        checker.text(group.label, `/option_groups/${i}/label`, 75, true);
        checker.options(group.options, `/option_groups/${i}/options`);
      }
    });
  } else {
    checker.options(payload.options, "/options");
  }
  return checker.errors;
}
