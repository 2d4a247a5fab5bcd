import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app.js";
import { ConfigError } from "../../src/errors.js";

const minimal = {
  SLACK_BOT_TOKEN: "xoxb-1-2",
  SLACK_APP_TOKEN: "xapp-1-2",
  PUBLIC_URL: "https://hooks.example.com/",
};
const twilio = { TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`, TWILIO_AUTH_TOKEN: "secret" };

function problemsOf(environment: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("loadConfig", () => {
  it("applies the contract's defaults and disables channels without credentials", () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      slack: { apiUrl: "https://slack.com/api/" }, // default from the contract, never called
      sms: null,
      publicUrl: "https://hooks.example.com",
      host: "0.0.0.0",
      port: 3000,
      metrics: { host: "127.0.0.1", port: 9464 },
      databaseUrl: "file:./data/threadline.db",
      logLevel: "info",
      transcriptSecret: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("enables SMS with both Twilio variables and normalises URLs", () => {
    const config = loadConfig({
      ...minimal,
      ...twilio,
      SLACK_API_URL: "http://127.0.0.1:9/api",
      TWILIO_API_URL: "http://127.0.0.1:8/",
    });
    expect(config.slack.apiUrl).toBe("http://127.0.0.1:9/api/");
    expect(config.sms).toEqual({
      accountSid: twilio.TWILIO_ACCOUNT_SID,
      authToken: "secret",
      apiUrl: "http://127.0.0.1:8",
      lookupCallerNames: false,
      countries: null,
    });
  });

  it("names every missing or malformed variable at once", () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: "xoxp-user-token",
      PUBLIC_URL: "hooks.example.com",
      PORT: "eighty",
      METRICS_PORT: "70000",
      LOG_LEVEL: "loud",
      TWILIO_ACCOUNT_SID: "SK123",
    });
    const named = problems.map((problem) => problem.split(" ")[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "PUBLIC_URL",
        "PORT",
        "METRICS_PORT",
        "LOG_LEVEL",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
      ]),
    );
  });

  it("refuses half a channel configuration", () => {
    expect(problemsOf({ ...minimal, TWILIO_AUTH_TOKEN: "secret" })).toEqual([
      "TWILIO_ACCOUNT_SID is required when TWILIO_AUTH_TOKEN is set",
    ]);
  });

  it("takes a SQLite file: URL or a PostgreSQL URL as DATABASE_URL, and nothing else", () => {
    const postgres = "postgresql://threadline:secret@db.internal:5432/threadline";
    expect(loadConfig({ ...minimal, DATABASE_URL: postgres }).databaseUrl).toBe(postgres);
    expect(loadConfig({ ...minimal, DATABASE_URL: "postgres://db/threadline" }).databaseUrl).toBe(
      "postgres://db/threadline",
    );
    expect(loadConfig({ ...minimal, DATABASE_URL: "file:/var/lib/t.db" }).databaseUrl).toBe(
      "file:/var/lib/t.db",
    );
    for (const refused of ["mysql://db/threadline", "./data/threadline.db", "postgresql://"]) {
      expect(problemsOf({ ...minimal, DATABASE_URL: refused })).toEqual([
        expect.stringMatching(/^DATABASE_URL .*postgresql:\/\//),
      ]);
    }
  });

  it("takes TWILIO_CALLER_NAME_LOOKUP, off unless true", () => {
    const withTwilio = { ...minimal, ...twilio };
    expect(loadConfig(withTwilio).sms?.lookupCallerNames).toBe(false);
    expect(loadConfig({ ...withTwilio, TWILIO_CALLER_NAME_LOOKUP: "true" }).sms?.lookupCallerNames).toBe(
      true,
    );
    expect(() => loadConfig({ ...withTwilio, TWILIO_CALLER_NAME_LOOKUP: "yes" })).toThrow(
      /TWILIO_CALLER_NAME_LOOKUP must be true or false/,
    );
  });

  it("takes HOST, the interface the webhook receiver listens on", () => {
    expect(loadConfig({ ...minimal, HOST: "127.0.0.1" }).host).toBe("127.0.0.1");
    expect(loadConfig({ ...minimal, HOST: "" }).host).toBe("0.0.0.0");
  });

  it("treats empty variables as unset", () => {
    expect(
      loadConfig({ ...minimal, TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "", PORT: "" }).sms,
    ).toBeNull();
  });

  it("takes an optional TRANSCRIPT_SECRET of at least 32 characters", () => {
    const secret = "s".repeat(32);
    expect(loadConfig({ ...minimal, TRANSCRIPT_SECRET: secret }).transcriptSecret).toBe(secret);
    expect(loadConfig({ ...minimal, TRANSCRIPT_SECRET: "" }).transcriptSecret).toBeNull();
    expect(problemsOf({ ...minimal, TRANSCRIPT_SECRET: "short" })).toEqual([
      "TRANSCRIPT_SECRET must be at least 32 characters",
    ]);
  });

  it("takes MESSENGER_MEDIA_HOSTS as a list of host patterns, Meta's CDNs by default", () => {
    const messenger = {
      MESSENGER_PAGE_ACCESS_TOKEN: "EAAG",
      MESSENGER_APP_SECRET: "app-secret",
      MESSENGER_VERIFY_TOKEN: "verify",
    };
    expect(loadConfig({ ...minimal, ...messenger }).messenger?.mediaHosts).toEqual([
      "*.fbcdn.net",
      "*.fbsbx.com",
    ]);
    expect(
      loadConfig({ ...minimal, ...messenger, MESSENGER_MEDIA_HOSTS: " *.FBCDN.net , 127.0.0.1:4000" })
        .messenger?.mediaHosts,
    ).toEqual(["*.fbcdn.net", "127.0.0.1:4000"]);
    expect(
      problemsOf({ ...minimal, ...messenger, MESSENGER_MEDIA_HOSTS: "*, https://cdn.example/x" }),
    ).toEqual([
      'MESSENGER_MEDIA_HOSTS "*" must look like *.example.com',
      'MESSENGER_MEDIA_HOSTS "https://cdn.example/x" is not a host name (host or host:port, no scheme or path)',
    ]);
    expect(problemsOf({ ...minimal, MESSENGER_MEDIA_HOSTS: " , " })).toEqual([
      "MESSENGER_MEDIA_HOSTS must name at least one host",
    ]);
  });

  it("reads THREADLINE_ADMINS as a list of Slack user ids, anyone when unset", () => {
    expect(loadConfig(minimal).admins).toEqual([]);
    expect(loadConfig({ ...minimal, THREADLINE_ADMINS: "" }).admins).toEqual([]);
    expect(loadConfig({ ...minimal, THREADLINE_ADMINS: " U0ADMIN1 , W0ADMIN2,U0ADMIN1" }).admins).toEqual([
      "U0ADMIN1",
      "W0ADMIN2",
    ]);
    for (const bad of ["@ana", "U0ADMIN1,,U2", "C0CHANNEL", "u0lower"]) {
      expect(problemsOf({ ...minimal, THREADLINE_ADMINS: bad })).toEqual([
        "THREADLINE_ADMINS must be Slack user ids (U…) separated by commas",
      ]);
    }
  });

  it("reads TRUST_PROXY as a hop count or proxy addresses, believing no proxy when unset", () => {
    expect(loadConfig(minimal).trustProxy).toBe(false);
    expect(loadConfig({ ...minimal, TRUST_PROXY: "0" }).trustProxy).toBe(false);
    expect(loadConfig({ ...minimal, TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(loadConfig({ ...minimal, TRUST_PROXY: "10.0.0.1, 10.1.0.0/16,::1,loopback" }).trustProxy).toEqual([
      "10.0.0.1",
      "10.1.0.0/16",
      "::1",
      "loopback",
    ]);
    expect(problemsOf({ ...minimal, TRUST_PROXY: "true" })).toEqual([
      expect.stringMatching(/^TRUST_PROXY must be a number of proxy hops or the proxies' addresses: "true"/),
    ]);
    for (const bad of ["10.0.0.300", "10.0.0.0/33", "proxy.internal", "10.0.0.1/8/8"]) {
      expect(problemsOf({ ...minimal, TRUST_PROXY: bad })[0]).toContain(`"${bad}" is not an IP address`);
    }
  });

  it("reads RETENTION_DAYS as a whole number of days, keeping everything when unset", () => {
    expect(loadConfig(minimal).retentionDays).toBeNull();
    expect(loadConfig({ ...minimal, RETENTION_DAYS: "" }).retentionDays).toBeNull();
    expect(loadConfig({ ...minimal, RETENTION_DAYS: " 90 " }).retentionDays).toBe(90);
    for (const bad of ["0", "-3", "1.5", "forever", "40000"]) {
      expect(problemsOf({ ...minimal, RETENTION_DAYS: bad })).toEqual([
        expect.stringMatching(
          /^RETENTION_DAYS must be (a whole number of days|at least 1 day|at most 36500 days)/,
        ),
      ]);
    }
  });

  it("reads the limits on starting conversations, with their defaults, and names every bad value", () => {
    expect(loadConfig(minimal).starting).toEqual({ senders: [], perHour: 20 });
    expect(loadConfig({ ...minimal, ...twilio }).sms?.countries).toBeNull();
    expect(
      loadConfig({
        ...minimal,
        THREADLINE_SENDERS: "U0ANA, U0BRUNO",
        TEXT_LIMIT_PER_HOUR: "5",
      }).starting,
    ).toEqual({ senders: ["U0ANA", "U0BRUNO"], perHour: 5 });
    expect(loadConfig({ ...minimal, ...twilio, SMS_COUNTRIES: " us,CA , us" }).sms?.countries).toEqual([
      "US",
      "CA",
    ]);
    expect(
      problemsOf({
        ...minimal,
        THREADLINE_SENDERS: "@ana",
        SMS_COUNTRIES: "USA,FR,XX",
        TEXT_LIMIT_PER_HOUR: "0",
      }),
    ).toEqual([
      "THREADLINE_SENDERS must be Slack user ids (U…) separated by commas",
      "TEXT_LIMIT_PER_HOUR must be at least 1",
      'SMS_COUNTRIES must be ISO 3166 two-letter country codes separated by commas (e.g. US,CA); "USA" is not one',
      'SMS_COUNTRIES must be ISO 3166 two-letter country codes separated by commas (e.g. US,CA); "XX" is not one',
    ]);
    for (const bad of ["many", "2.5"]) {
      expect(problemsOf({ ...minimal, TEXT_LIMIT_PER_HOUR: bad })).toEqual([
        "TEXT_LIMIT_PER_HOUR must be a whole number of conversations per hour",
      ]);
    }
  });

  describe("the AI model", () => {
    const ai = { AI_BASE_URL: "http://localhost:11434/v1/", AI_MODEL: "llama3.1" };

    it("is off when its variables are unset", () => {
      expect(loadConfig(minimal).ai).toBeNull();
      expect(loadConfig({ ...minimal, AI_BASE_URL: "", AI_MODEL: "" }).ai).toBeNull();
    });

    it("takes a base URL and a model, with an optional key and redaction", () => {
      expect(loadConfig({ ...minimal, ...ai }).ai).toEqual({
        baseUrl: "http://localhost:11434/v1",
        apiKey: null,
        model: "llama3.1",
        redact: false,
      });
      expect(loadConfig({ ...minimal, ...ai, AI_API_KEY: "sk-1", AI_REDACT: "on" }).ai).toMatchObject({
        apiKey: "sk-1",
        redact: true,
      });
    });

    it("names what is missing or malformed", () => {
      expect(problemsOf({ ...minimal, AI_BASE_URL: ai.AI_BASE_URL })).toEqual([
        expect.stringMatching(/^AI_MODEL is required when AI_BASE_URL is set/),
      ]);
      expect(problemsOf({ ...minimal, AI_MODEL: "llama3.1" })).toEqual([
        expect.stringMatching(/^AI_BASE_URL is required when AI_MODEL is set/),
      ]);
      expect(problemsOf({ ...minimal, AI_API_KEY: "sk-1" })).toEqual([
        "AI_API_KEY needs AI_BASE_URL and AI_MODEL",
      ]);
      expect(problemsOf({ ...minimal, ...ai, AI_BASE_URL: "localhost:11434", AI_REDACT: "yes" })).toEqual([
        "AI_BASE_URL must be an http(s) URL",
        "AI_REDACT must be on or off",
      ]);
    });
  });
});
