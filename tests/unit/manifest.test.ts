import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { savedReplyShortcutId } from "../../src/slack/saved-reply-modal.js";
import { eventScopes, featureScopes, methodScopes, readManifest } from "../../src/slack/scopes.js";
import { workflowSteps } from "../../src/slack/workflow-steps.js";

const srcDir = path.resolve(import.meta.dirname, "../../src");
/**
 * The data layer (whose `this.conversations.context(` reads like a Slack call), and the simulators of Slack and
 * the demo on them: none calls Slack's API.
 */
const notTheApp = new Set(["db", "simulators", "demo"]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return notTheApp.has(entry.name) ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

// Web API namespaces, so `twilio.messages.create(` is not mistaken for a Slack method. (`api` is left out:
// it is also twilio-node's root, `client.api.v2010…`, and the app never calls Slack's api.test.)
const slackNamespaces =
  "admin|apps|auth|bookmarks|bots|calls|chat|conversations|dnd|emoji|files|pins|reactions|reminders|search|stars|team|usergroups|users|views|workflows";
const callPatterns = [
  // A formatter may break `client.chat\n  .postEphemeral(` over lines: whitespace before a dot is allowed.
  new RegExp(`(?<=\\.)(?:${slackNamespaces})\\s*\\.\\w+(?:\\.\\w+)?(?=\\()`, "g"),
  /\.(?:paginate|apiCall)\(\s*"([\w.]+)"/g,
];

/** Every Slack Web API method named in src/, with the files that call it. */
function calledMethods(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(srcDir)) {
    const text = fs.readFileSync(file, "utf8");
    for (const pattern of callPatterns) {
      for (const match of text.matchAll(pattern)) {
        const method = (match[1] ?? match[0]).replace(/\s+/g, "");
        found.set(method, [...(found.get(method) ?? []), path.relative(srcDir, file)]);
      }
    }
  }
  return found;
}

const allSource = () => sourceFiles(srcDir).map((file) => fs.readFileSync(file, "utf8"));

describe("manifest.json", () => {
  const manifest = readManifest();
  const methods = calledMethods();

  it("finds the calls the app is known to make (the scan itself works)", () => {
    for (const method of [
      "chat.postMessage",
      "chat.update",
      "chat.getPermalink",
      "chat.postEphemeral",
      "conversations.info",
      "users.list",
      "auth.test",
    ]) {
      expect([...methods.keys()]).toContain(method);
    }
  });

  it("knows the scopes of every Slack method src/ calls", () => {
    const unknown = [...methods.keys()].filter((method) => !(method in methodScopes));
    expect(unknown, "add these methods and their scopes to src/slack/scopes.ts").toEqual([]);
  });

  it("grants exactly the union of the scopes the calls, events and features need", () => {
    const needed = new Set<string>();
    for (const method of methods.keys()) for (const scope of methodScopes[method] ?? []) needed.add(scope);
    for (const event of manifest.settings.event_subscriptions?.bot_events ?? []) {
      const scopes = eventScopes[event];
      expect(scopes, `event ${event} has no scopes in src/slack/scopes.ts`).toBeDefined();
      for (const scope of scopes ?? []) needed.add(scope);
    }
    const sources = allSource();
    if (
      sources.some(
        (text) => /\b(?:username|icon_url|icon_emoji):/.test(text) && /chat\.postMessage/.test(text),
      )
    )
      needed.add(featureScopes.customizedPosts);
    if ((manifest.features.slash_commands ?? []).length > 0) needed.add(featureScopes.slashCommands);
    if (sources.some((text) => /\.filesUploadV2\(/.test(text))) needed.add(featureScopes.fileUploads);
    if (sources.some((text) => /url_private_download/.test(text))) needed.add(featureScopes.fileDownloads);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it("subscribes to exactly the events the listeners handle", () => {
    const sources = allSource();
    const handled = new Set(
      sources.flatMap((text) => [...text.matchAll(/app\.event\("([^"]+)"/g)].map((m) => m[1] as string)),
    );
    // Workflow steps (app.function) are delivered as function_executed.
    if (sources.some((text) => /app\.function\(/.test(text))) handled.add("function_executed");
    // Message events are subscribed per channel type, and delivered to the app as `message`.
    const subscribed = (manifest.settings.event_subscriptions?.bot_events ?? []).map((event) =>
      event.startsWith("message.") ? "message" : event,
    );
    expect([...new Set(subscribed)].sort()).toEqual([...handled].sort());
    expect(subscribed).toContain("message");
    expect(manifest.settings.event_subscriptions?.bot_events).toEqual(
      expect.arrayContaining(["message.channels", "message.groups"]),
    );
  });

  it("declares every shortcut the app registers, with its callback id", () => {
    const registered = allSource().flatMap((text) =>
      [...text.matchAll(/app\.shortcut<?\w*>?\((\w+)/g)].map((m) => m[1] as string),
    );
    expect(registered).toEqual(["savedReplyShortcutId"]);
    const shortcuts = (manifest.features as { shortcuts?: { callback_id: string; type: string }[] })
      .shortcuts;
    expect(shortcuts).toEqual([
      expect.objectContaining({ type: "message", callback_id: savedReplyShortcutId }),
    ]);
  });

  it("declares every slash command the app registers, and runs in Socket Mode with interactivity", () => {
    const registered = allSource().flatMap((text) =>
      [...text.matchAll(/app\.command\("([^"]+)"/g)].map((m) => m[1]),
    );
    expect((manifest.features.slash_commands ?? []).map((c) => c.command).sort()).toEqual(registered.sort());
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(
      (manifest.settings as { interactivity?: { is_enabled?: boolean } }).interactivity?.is_enabled,
    ).toBe(true);
  });

  it("declares exactly the workflow steps the listeners handle, with the inputs and outputs they use", () => {
    const registered = allSource().flatMap((text) =>
      [...text.matchAll(/app\.function\((\w+)\.callbackId/g)].map((m) => m[1] as string),
    );
    expect(registered.sort()).toEqual(["close", "send"]);
    const functions = manifest.functions ?? {};
    expect(Object.keys(functions).sort()).toEqual(
      Object.values(workflowSteps)
        .map((step) => step.callbackId)
        .sort(),
    );
    for (const step of Object.values(workflowSteps)) {
      const declared = functions[step.callbackId];
      expect(Object.keys(declared?.input_parameters ?? {}).sort()).toEqual(Object.values(step.inputs).sort());
      expect(Object.keys(declared?.output_parameters ?? {}).sort()).toEqual(
        Object.values(step.outputs as Record<string, string>).sort(),
      );
      expect(declared?.input_parameters[step.inputs.channel]?.type).toBe("slack#/types/channel_id");
      expect(declared?.input_parameters[step.inputs.user]?.type).toBe("slack#/types/user_id");
    }
    // Bolt apps' steps run on the app's own server, and steps are offered only by org-ready apps.
    expect(manifest.settings.function_runtime).toBe("remote");
    expect(manifest.settings.org_deploy_enabled).toBe(true);
  });
});
