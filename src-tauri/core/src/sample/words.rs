//! The small word lists the sample business is made of. The business is "Lighthouse Studio", a
//! web and marketing studio selling projects plus repeatable care plans, hours and templates.

pub(super) const FIRST_NAMES: &[&str] = &[
    "Ava", "Ben", "Chloe", "Daniel", "Elena", "Farah", "George", "Hana", "Isaac", "Jade", "Kofi", "Laura",
    "Mateo", "Nina", "Omar", "Priya", "Quinn", "Rosa", "Samuel", "Tara", "Umar", "Vera", "William", "Ximena",
    "Yusuf", "Zoe", "Aiden", "Bianca", "Carlos", "Dana", "Emeka", "Fiona", "Gabriel", "Helen", "Ivan",
    "Julia", "Kenji", "Leila", "Marcus", "Naomi", "Oliver", "Paula", "Rafael", "Sofia", "Thomas", "Uma",
    "Victor", "Wendy", "Yara", "Amir", "Beatriz", "Connor", "Divya", "Ethan", "Grace", "Hugo", "Ingrid",
    "Jamal", "Keiko", "Lucas", "Maya", "Noah", "Olivia", "Pedro",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Adams",
    "Bauer",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Johnson",
    "Kowalski",
    "Lopez",
    "Murphy",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Abbott",
    "Brooks",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fernandes",
    "Gupta",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Kim",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Park",
    "Reyes",
    "Silva",
    "Torres",
    "Ueda",
    "Vance",
    "Weber",
    "Young",
    "Ali",
    "Bennett",
    "Costa",
    "Dalton",
    "Ellis",
    "Foster",
    "Grant",
    "Hayes",
    "Iqbal",
    "Jordan",
    "Khan",
    "Lindqvist",
    "Mensah",
    "Nakamura",
    "Ortiz",
];

pub(super) const COMPANY_WORDS: &[&str] = &[
    "Bright",
    "Blue",
    "Northern",
    "Cedar",
    "Golden",
    "Silver",
    "Urban",
    "Quiet",
    "Bold",
    "Green",
    "Summit",
    "Maple",
    "Copper",
    "Clear",
    "River",
    "Stone",
    "Swift",
    "True",
    "Evergreen",
    "Harbor",
    "Oak",
    "Pine",
    "Lantern",
    "Compass",
    "Anchor",
    "Beacon",
    "Field",
    "Ridge",
    "Meadow",
    "Forge",
    "Bridge",
    "Orchard",
    "Signal",
    "Atlas",
    "Wave",
    "Peak",
    "Grove",
    "Spark",
    "Trail",
    "Fox",
];

/// Segments with their share of contacts, the company-name endings and the web domain ending.
pub(super) struct Segment {
    pub name: &'static str,
    pub weight: u32,
    pub endings: &'static [&'static str],
    pub tld: &'static str,
}

pub(super) const SEGMENTS: &[Segment] = &[
    Segment {
        name: "small business",
        weight: 35,
        endings: &[
            "Bakery",
            "Coffee Co.",
            "Plumbing",
            "Dental",
            "Fitness",
            "Books",
            "Florist",
            "Auto Repair",
        ],
        tld: "com",
    },
    Segment {
        name: "startup",
        weight: 25,
        endings: &["Labs", "AI", "HQ", "Technologies", "Robotics"],
        tld: "io",
    },
    Segment {
        name: "agency",
        weight: 15,
        endings: &["Studio", "Creative", "Agency", "Digital", "Partners"],
        tld: "com",
    },
    Segment {
        name: "enterprise",
        weight: 10,
        endings: &["Group", "Holdings", "Industries", "Corporation", "Logistics"],
        tld: "com",
    },
    Segment {
        name: "nonprofit",
        weight: 15,
        endings: &["Foundation", "Trust", "Alliance", "Society", "Community Fund"],
        tld: "org",
    },
];

pub(super) const PERSONAL_DOMAINS: &[&str] =
    &["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "fastmail.com"];
pub(super) const AREA_CODES: &[&str] =
    &["212", "312", "415", "503", "617", "737", "206", "303", "404", "512"];
pub(super) const CONTACT_TAGS: &[&str] =
    &["newsletter", "webinar", "expo", "vip", "partner", "local", "ecommerce", "wholesale"];
pub(super) const CONTACT_NOTES: &[&str] = &[
    "Prefers email.",
    "Call after 3pm.",
    "Met at the spring expo.",
    "Budget review in Q3.",
    "The owner makes the decisions.",
];

/// Channel keys (as seeded in the channels table) and their share of non-referral contacts;
/// referrals come only from real referrals.
pub(super) const CHANNELS: &[(&str, u32)] = &[
    ("organic_search", 22),
    ("paid_search", 16),
    ("email_marketing", 12),
    ("organic_social", 12),
    ("paid_social", 12),
    ("direct_traffic", 12),
    ("offline_sources", 8),
    ("other_campaigns", 6),
];

/// Channels that cost money each month, with the cost of one visitor in cents.
pub(super) const PAID_CHANNELS: &[(&str, i64)] =
    &[("paid_search", 180), ("paid_social", 90), ("email_marketing", 15), ("offline_sources", 400)];

/// The catalogue: name, price in cents, and whether customers buy it again and again.
pub(super) struct Product {
    pub name: &'static str,
    pub price: i64,
    pub repeatable: bool,
    pub max_quantity: i64,
}

pub(super) const PRODUCTS: &[Product] = &[
    Product { name: "Website Audit", price: 45_000, repeatable: false, max_quantity: 1 },
    Product { name: "Brand Workshop", price: 120_000, repeatable: false, max_quantity: 1 },
    Product { name: "SEO Sprint", price: 90_000, repeatable: false, max_quantity: 1 },
    Product { name: "Analytics Setup", price: 60_000, repeatable: false, max_quantity: 1 },
    Product { name: "Copywriting Package", price: 35_000, repeatable: false, max_quantity: 1 },
    Product { name: "Monthly Care Plan", price: 19_900, repeatable: true, max_quantity: 1 },
    Product { name: "Support Hours", price: 7_500, repeatable: true, max_quantity: 10 },
    Product { name: "Template Pack", price: 7_900, repeatable: true, max_quantity: 3 },
];

pub(super) const LEAD_REASONS: &[&str] =
    &["contact form", "downloaded a guide", "webinar signup", "free trial signup", "chat enquiry"];
pub(super) const SUBSCRIBER_TO_LEAD: &[&str] =
    &["downloaded a guide", "replied to the newsletter", "webinar signup"];
pub(super) const MQL_REASONS: &[&str] =
    &["requested a demo", "visited pricing three times", "asked for a quote"];
pub(super) const REJECTIONS: &[&str] = &[
    "no budget this quarter",
    "just researching",
    "wrong contact; asked for an intro to the owner",
    "too small for now",
    "timing: revisit in six months",
];
pub(super) const OPPORTUNITY_REASONS: &[&str] = &["proposal sent", "discovery call held", "quote requested"];
pub(super) const DISQUALIFY_REASONS: &[&str] =
    &["student project", "competitor", "spam signup", "outside our service area", "not a fit"];
pub(super) const LOST_REASONS: &[&str] =
    &["chose a competitor", "price", "timing", "no decision", "went in-house"];

pub(super) const REFERRAL_NOTES: &[&str] = &[
    "",
    "Colleague.",
    "Friend from a co-working space.",
    "Met at a local business meetup.",
    "Family business.",
];

pub(super) const PROMOTER_COMMENTS: &[&str] = &[
    "Always quick to respond.",
    "The care plan pays for itself.",
    "Would recommend to any small business.",
    "Great team, great results.",
    "Our bookings went up after the redesign.",
    "Feels like part of our team.",
];
pub(super) const PASSIVE_COMMENTS: &[&str] = &[
    "Good work, a bit pricey.",
    "Solid, but turnaround could be faster.",
    "Does what we need.",
    "Happy overall; reporting could be clearer.",
];
pub(super) const DETRACTOR_COMMENTS: &[&str] = &[
    "Missed a deadline that mattered to us.",
    "Too expensive for what we got.",
    "Hard to reach when something broke.",
    "Invoices were confusing.",
];

pub(super) const HEADLINES: &[&str] = &[
    "Our site finally works for us",
    "Bookings up within a month",
    "A partner, not a vendor",
    "Worth every penny",
    "Fast, friendly and reliable",
    "The best decision we made this year",
    "Clear advice, real results",
];
pub(super) const QUOTE_OPENINGS: &[&str] = &[
    "We came to Lighthouse Studio for the",
    "We signed up for the",
    "Our team booked the",
    "I was nervous about the",
];
pub(super) const QUOTE_MIDDLES: &[&str] = &[
    "They listened first and explained every step.",
    "Everything was delivered on time and on budget.",
    "They made a complicated job feel simple.",
    "The results showed up in our numbers within weeks.",
];
pub(super) const QUOTE_ENDINGS_HAPPY: &[&str] = &[
    "I recommend them to every founder I meet.",
    "We have been back three times since.",
    "Highly recommended.",
    "Cannot imagine going back.",
];
pub(super) const QUOTE_ENDINGS_MIXED: &[&str] =
    &["It took longer than we hoped, but it got done.", "Decent work; communication could improve."];
pub(super) const TESTIMONIAL_TAGS: &[&str] =
    &["website", "seo", "support", "branding", "roi", "speed", "communication"];
pub(super) const CONSENT_CHANNELS: &[&str] = &["website", "social", "email", "case_study"];
pub(super) const INCENTIVES: &[&str] = &["$25 gift card", "10% off the next order", "a free support hour"];
pub(super) const MIXED_HEADLINES: &[&str] = &["Good work, slow start", "Got there in the end"];
