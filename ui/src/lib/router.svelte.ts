// Which page the window shows. The app has one window and no URLs worth sharing, so the route is
// plain state rather than a location hash.

export type PageKey =
  | "dashboard"
  | "contacts"
  | "funnel"
  | "customers"
  | "testimonials"
  | "referrals"
  | "followups"
  | "import"
  | "settings";

export const NAV: { key: PageKey; label: string}[] = [
  { key: "dashboard", label: "Dashboard" },
  { key: "contacts", label: "Contacts" },
  { key: "funnel", label: "Funnel" },
  { key: "customers", label: "Customers" },
  { key: "testimonials", label: "Testimonials" },
  { key: "referrals", label: "Referrals" },
  { key: "followups", label: "Follow-ups" },
  { key: "import", label: "Import / Export" },
  { key: "settings", label: "Settings" },
];

export const route = $state<{ page: PageKey }>({ page: "contacts" });

export function go(page: PageKey) {
  route.page = page;
}
