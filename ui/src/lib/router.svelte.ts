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
  { key: "dashboard", label: "Dashboard", ready: true },
  { key: "contacts", label: "Contacts", ready: true },
  { key: "funnel", label: "Funnel", ready: true },
  { key: "customers", label: "Customers", ready: true },
  { key: "testimonials", label: "Testimonials", ready: true },
  { key: "referrals", label: "Referrals", ready: true },
  { key: "import", label: "Import / Export", ready: true },
  { key: "settings", label: "Settings", ready: true },
];

export const route = $state<{ page: PageKey }>({ page: "contacts" });

export function go(page: PageKey) {
  route.page = page;
}
