import type { WebClient } from "@slack/web-api";
import { pino } from "pino";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelDirectory, type SlackUser } from "../../../src/slack/directory.js";

/**
 * The directory against a stand-in for the Web API whose answers a test can hold back, so events can
 * arrive while a load is in flight.
 */
class SlackStandIn {
  readonly users = new Map<string, SlackUser>();
  readonly channels = new Map<string, string[]>();
  readonly calls: string[] = [];
  /** Listings read to their end. */
  answered = 0;
  failing = false;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  readonly client = {
    paginate: (method: string, args: { channel?: string }) => this.pages(method, args),
    users: {
      info: async ({ user }: { user: string }) => {
        this.calls.push("users.info");
        return { user: this.users.get(user) };
      },
    },
  } as unknown as WebClient;

  user(id: string, name: string, extra: Partial<SlackUser> = {}): SlackUser {
    const user = { id, name, real_name: name, profile: { real_name: name, display_name: "" }, ...extra };
    this.users.set(id, user);
    return user;
  }

  /** Answers wait until the returned function is called. */
  hold(): () => void {
    this.held = new Promise((resolve) => {
      this.release = resolve;
    });
    return () => {
      this.release?.();
      this.held = undefined;
    };
  }

  private async *pages(method: string, args: { channel?: string }) {
    this.calls.push(method);
    await this.held;
    if (this.failing) throw new Error("slack_webapi_platform_error");
    if (method === "users.list") yield { members: [...this.users.values()].map((u) => structuredClone(u)) };
    else yield { members: [...(this.channels.get(args.channel ?? "") ?? [])] };
    this.answered += 1;
  }
}

let slack: SlackStandIn;
let logs: string[];
let clock: number;
let directory: ChannelDirectory;

const names = async (channelId = "C1") =>
  (await directory.channelMembers(channelId)).map((m) => m.realName + (m.deleted ? " (gone)" : ""));

beforeEach(() => {
  slack = new SlackStandIn();
  logs = [];
  clock = 1_000_000;
  slack.user("U1", "Ana");
  slack.user("U2", "Bruno");
  slack.user("U3", "Carla");
  slack.channels.set("C1", ["U1", "U2"]);
  slack.channels.set("C2", ["U3"]);
  directory = new ChannelDirectory(
    slack.client,
    pino({ level: "debug" }, { write: (line: string) => logs.push(JSON.parse(line).msg) }),
    { maxChannels: 2, revalidateAfterMs: 60_000 },
    () => clock,
  );
});

describe("ChannelDirectory", () => {
  it("loads members and users once, then answers from memory", async () => {
    expect(await names()).toEqual(["Ana", "Bruno"]);
    expect(await names()).toEqual(["Ana", "Bruno"]);
    expect(slack.calls.sort()).toEqual(["conversations.members", "users.list"]);
  });

  it("shares one load between readers that arrive together", async () => {
    const release = slack.hold();
    const both = Promise.all([names(), names()]);
    release();
    expect(await both).toEqual([
      ["Ana", "Bruno"],
      ["Ana", "Bruno"],
    ]);
    expect(slack.calls).toHaveLength(2);
  });

  it("warms in the background, and not again once loaded", async () => {
    directory.warm("C1");
    directory.warm("C1");
    await vi.waitFor(() => expect(slack.calls.sort()).toEqual(["conversations.members", "users.list"]));
    expect(await names()).toEqual(["Ana", "Bruno"]);
    directory.warm("C1");
    expect(slack.calls).toHaveLength(2);
  });

  it("adds and removes members as they join and leave", async () => {
    await names();
    directory.memberJoined("C1", "U3");
    expect(await names()).toEqual(["Ana", "Bruno", "Carla"]);
    directory.memberLeft("C1", "U1");
    expect(await names()).toEqual(["Bruno", "Carla"]);
    expect(slack.calls).toHaveLength(2);
  });

  it("updates a user's name, deactivation and bot flag from user_change", async () => {
    await names();
    directory.userChanged({ id: "U2", name: "bruno", profile: { real_name: "Bea", display_name: "bea" } });
    directory.userChanged({ id: "U1", name: "ana", real_name: "Ana", deleted: true });
    expect(await names()).toEqual(["Ana (gone)", "Bea"]);
    directory.userChanged({ id: "U2", name: "bruno", real_name: "Bea", is_bot: true });
    expect((await directory.channelMembers("C1")).find((m) => m.id === "U2")?.isBot).toBe(true);
  });

  it("replays changes that arrive while a load is in flight onto its result", async () => {
    const release = slack.hold();
    const first = names();
    directory.memberJoined("C1", "U3");
    directory.memberLeft("C1", "U1");
    directory.userChanged({ id: "U2", name: "bruno", real_name: "Bea" });
    release();
    expect(await first).toEqual(["Bea", "Carla"]);
  });

  it("keeps answering from memory while a reload runs, and replays changes onto the reload", async () => {
    await names();
    const release = slack.hold();
    directory.revalidate();
    directory.memberJoined("C1", "U3");
    expect(await names()).toEqual(["Ana", "Bruno", "Carla"]);
    release();
    await vi.waitFor(() => expect(slack.answered).toBe(4));
    expect(await names()).toEqual(["Ana", "Bruno", "Carla"]);
    expect(slack.calls.filter((c) => c === "users.list")).toHaveLength(2);
  });

  it("picks up changes it never heard about when it revalidates", async () => {
    await names();
    slack.channels.set("C1", ["U1", "U3"]);
    slack.user("U1", "Ana Maria");
    directory.revalidate();
    await vi.waitFor(async () => expect(await names()).toEqual(["Ana Maria", "Carla"]));
  });

  it("keeps what it has when a reload fails, and says so in the log", async () => {
    await names();
    slack.failing = true;
    directory.revalidate();
    await vi.waitFor(() =>
      expect(logs.some((msg) => msg.startsWith("could not load channel members or users"))).toBe(true),
    );
    expect(await names()).toEqual(["Ana", "Bruno"]);
  });

  it("fails a first load that fails, and loads again on the next read", async () => {
    slack.failing = true;
    await expect(names()).rejects.toThrow("slack_webapi_platform_error");
    slack.failing = false;
    expect(await names()).toEqual(["Ana", "Bruno"]);
  });

  it("reloads an old list in the background while answering from it", async () => {
    await names();
    slack.channels.set("C1", ["U1"]);
    clock += 60_000;
    expect(await names()).toEqual(["Ana", "Bruno"]);
    await vi.waitFor(async () => expect(await names()).toEqual(["Ana"]));
  });

  it("ignores events for channels it does not keep, without loading them", async () => {
    directory.memberJoined("C9", "U1");
    directory.memberLeft("C9", "U1");
    expect(slack.calls).toEqual([]);
  });

  it("keeps at most maxChannels member lists, dropping the least recently used", async () => {
    slack.channels.set("C3", ["U1"]);
    await names("C1");
    await names("C2");
    await names("C1");
    await names("C3");
    const before = slack.calls.length;
    await names("C1");
    expect(slack.calls.length).toBe(before);
    await names("C2");
    expect(slack.calls.slice(before)).toEqual(["conversations.members"]);
  });

  it("forgets a channel the app left, and loads it afresh if asked again", async () => {
    await names();
    directory.forgetChannel("C1");
    directory.memberJoined("C1", "U3");
    slack.channels.set("C1", ["U2"]);
    expect(await names()).toEqual(["Bruno"]);
  });

  it("looks up a member it has no name for, and shows them once known", async () => {
    await names();
    slack.user("U4", "Dora");
    directory.memberJoined("C1", "U4");
    await vi.waitFor(async () => expect(await names()).toEqual(["Ana", "Bruno", "Dora"]));
    expect(slack.calls.filter((c) => c === "users.info")).toHaveLength(1);
  });
});
