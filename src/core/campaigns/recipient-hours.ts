import { instantOf, startOfLocalDay, wallClock } from "../zoned-time.js";

/*
 * Campaign messages go out only between 09:00 and 20:00 where the recipient is. A number says its country
 * (the channel reads it), and in the US and Canada its area code says more; both are mapped to zones by the small
 * tables below. When a number's area code is not in them, its zone is unknown within its country, and the hours
 * must hold in every zone the country spans (the continental US: 12:00–20:00 Eastern), which is never early or
 * late for anyone. A country with no entry has no known zone: its numbers are left out of campaigns.
 */

const opensAt = 9;
const closesAt = 20;

/** Countries in one zone (the ones a business texting from Slack is likely to reach). */
const countryZones: Readonly<Record<string, readonly string[]>> = {
  GB: ["Europe/London"],
  IE: ["Europe/Dublin"],
  FR: ["Europe/Paris"],
  DE: ["Europe/Berlin"],
  ES: ["Europe/Madrid"],
  IT: ["Europe/Rome"],
  NL: ["Europe/Amsterdam"],
  BE: ["Europe/Brussels"],
  PT: ["Europe/Lisbon"],
  CH: ["Europe/Zurich"],
  AT: ["Europe/Vienna"],
  SE: ["Europe/Stockholm"],
  NO: ["Europe/Oslo"],
  DK: ["Europe/Copenhagen"],
  FI: ["Europe/Helsinki"],
  PL: ["Europe/Warsaw"],
  IL: ["Asia/Jerusalem"],
  AE: ["Asia/Dubai"],
  IN: ["Asia/Kolkata"],
  SG: ["Asia/Singapore"],
  HK: ["Asia/Hong_Kong"],
  PH: ["Asia/Manila"],
  JP: ["Asia/Tokyo"],
  ZA: ["Africa/Johannesburg"],
  NZ: ["Pacific/Auckland"],
  // Countries over several zones: their easternmost and westernmost main zones, when the area is unknown.
  US: ["America/New_York", "America/Los_Angeles"],
  CA: ["America/Halifax", "America/Vancouver"],
  AU: ["Australia/Sydney", "Australia/Perth"],
  MX: ["America/Cancun", "America/Tijuana"],
  BR: ["America/Sao_Paulo", "America/Manaus"],
};

/** North American area codes whose zone is not the default guess, grouped by zone (major codes only). */
const areaCodeZones: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries({
    "America/New_York":
      "212 646 917 718 347 929 516 631 914 845 518 585 716 315 607 201 973 908 732 609 856 862 551 215 267 412 610 717 570 814 724 484 617 857 781 339 508 774 978 351 413 305 786 954 754 561 407 321 813 727 904 352 239 941 772 863 386 404 470 678 770 706 762 912 229 478 202 301 240 410 443 703 571 804 757 540 434 276 704 980 919 984 336 743 252 910 828 803 843 854 864 216 440 330 234 614 380 513 937 419 567 740 313 248 586 734 810 947 517 616 269 989 231 317 463 260 574 765 812 502 859 606 203 475 860 959 401 603 802 207 302 304 681 423 865",
    "America/Chicago":
      "312 773 872 630 708 847 224 815 217 309 618 214 469 972 817 682 713 281 832 346 512 737 210 726 254 361 409 430 432 806 830 903 936 940 956 979 612 651 763 952 218 320 507 414 262 608 715 920 314 636 816 417 573 660 504 225 318 337 985 205 251 256 334 938 601 662 769 228 405 918 580 539 316 620 785 913 402 531 308 501 479 870 515 319 563 641 712 615 629 901 731 931 270",
    "America/Denver": "303 719 720 970 505 575 801 385 435 406 307 208 915",
    "America/Phoenix": "480 520 602 623 928",
    "America/Los_Angeles":
      "206 253 360 425 509 503 541 971 209 213 310 323 408 415 510 530 559 562 619 626 650 657 661 707 714 760 805 818 831 858 909 916 925 949 951 702 725 775",
    "America/Anchorage": "907",
    "Pacific/Honolulu": "808",
    "America/Toronto": "416 647 437 905 289 365 613 343 519 226 548 705 249 514 438 450 579 418 581 819 873",
    "America/Vancouver": "604 778 236 250 672",
    "America/Edmonton": "403 587 780 825 368",
    "America/Winnipeg": "204 431",
    "America/Regina": "306 639",
    "America/Halifax": "902 782",
    "America/Moncton": "506",
    "America/St_Johns": "709",
  }).flatMap(([zone, codes]) => codes.split(" ").map((code) => [code, zone])),
);

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/**
 * The zones a number's 09:00–20:00 must hold in, from its country (as the channel reads it): one when known, the
 * country's span otherwise; [] when unknown.
 */
export function recipientZones(address: string, country: string | null): readonly string[] {
  if (!country) return [];
  const northAmerican = /^(?:[a-z]+:)?\+1(\d{3})\d{7}$/.exec(address);
  const zone = northAmerican ? areaCodeZones[northAmerican[1] ?? ""] : undefined;
  if (zone && (country === "US" || country === "CA")) return [zone];
  return countryZones[country] ?? [];
}

function withinHours(zone: string, at: number): boolean {
  const hour = Math.floor(
    (wallClock(at, zone).utcLike - startOfLocalDay(wallClock(at, zone).utcLike)) / hourMs,
  );
  return hour >= opensAt && hour < closesAt;
}

/**
 * The first moment from `now` that is between 09:00 and 20:00 in every zone: `now` itself when it is, else a
 * coming 09:00 in one of them. Null when no such moment comes within three days (zones too far apart).
 */
export function nextSendingTime(zones: readonly string[], now: number): number | null {
  if (zones.length === 0) return null;
  const candidates = [now];
  for (const zone of zones) {
    const today = startOfLocalDay(wallClock(now, zone).utcLike);
    for (let day = 0; day < 4; day++) {
      const opening = instantOf(today + day * dayMs + opensAt * hourMs, zone);
      if (opening > now) candidates.push(opening);
    }
  }
  candidates.sort((a, b) => a - b);
  return candidates.find((at) => zones.every((zone) => withinHours(zone, at))) ?? null;
}

/**
 * `nextSendingTime` for many numbers at about the same moment: most share their zones, so each set of zones is
 * worked out once per minute (a campaign's preview of 5,000 numbers, a link of its sending).
 */
export class SendingTimes {
  private readonly known = new Map<string, number | null>();
  private minute = -1;

  constructor(private readonly now: () => number) {}

  /** The first moment from now the zones allow (rounded to the minute when it is not now), or null. */
  next(zones: readonly string[]): number | null {
    const at = this.now();
    const minute = Math.floor(at / 60_000);
    if (minute !== this.minute) {
      this.known.clear();
      this.minute = minute;
    }
    const key = zones.join(",");
    if (!this.known.has(key)) this.known.set(key, nextSendingTime(zones, minute * 60_000));
    const found = this.known.get(key) ?? null;
    return found === null ? null : Math.max(found, at);
  }
}
