// Which page the window shows. The app has one window and no URLs worth sharing, so the route is
// plain state rather than a location hash.

export type PageKey =
  | "dashboard"
  | "contacts"
  | "funnel"
  | "customers"
  | "testimonials"
  | "referrals"
  | "import"
  | "settings";

export const NAV: { key: PageKey; label: string; ready: boolean }[] = [
  { key: "dashboard", label: "Dashboard", ready: false },
  { key: "contacts", label: "Contacts", ready: true },
  { key: "funnel", label: "Funnel", ready: true },
  { key: "customers", label: "Customers", ready: false },
  { key: "testimonials", label: "Testimonials", ready: false },
  { key: "referrals", label: "Referrals", ready: false },
  { key: "import", label: "Import / Export", ready: false },
  { key: "settings", label: "Settings", ready: true },
];

export const route = $state<{ page: PageKey }>({ page: "contacts" });

export function go(page: PageKey) {
  route.page = page;
}
