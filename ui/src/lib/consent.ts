// The consent channels a testimonial may be published on: the core's closed set
// (core/src/consent.rs), with the labels people read beside the checkboxes. The type comes from
// the bindings, so a channel added in the core fails the type check here until it has a label.
import type { ConsentChannel } from "./bindings";

export const CONSENT_CHANNEL_LABELS: Record<ConsentChannel, string> = {
  website: "Website",
  social: "Social media",
  email: "Email",
  ads: "Ads",
  print: "Print",
  case_study: "Case study",
  sales_deck: "Sales deck",
  other: "Other",
};

/** Every channel, in the core's order. */
export const CONSENT_CHANNELS = Object.keys(CONSENT_CHANNEL_LABELS) as ConsentChannel[];

/** The channels as a person reads them, e.g. "Website, Case study". */
export function channelsText(channels: ConsentChannel[]): string {
  return channels.map((c) => CONSENT_CHANNEL_LABELS[c] ?? c).join(", ");
}
