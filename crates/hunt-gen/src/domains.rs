//! Value domains: the fixed lists every generated value is drawn from.
//!
//! Sources are `../shared/schemas/tables.md` (sections 3.2, 3.3, 4.1, 7). Values marked
//! *invented* in a comment have no public source: the docs leave the domain open
//! (for example the DataSecurityBehaviors behavior catalog), so we picked plausible,
//! clearly synthetic strings.

/// Tenant DNS domain of every synthetic user.
pub const DOMAIN: &str = "contoso.com";
/// NetBIOS domain written to `AlertEvidence.AccountDomain`.
pub const NETBIOS_DOMAIN: &str = "contoso";
/// The constant `TenantId` of every row.
pub const TENANT_ID: &str = "4f5c9a3e-2b1d-4c7e-9a8f-6d3e2c1b0a95";
/// SharePoint root of the tenant.
pub const SHAREPOINT_ROOT: &str = "https://contoso.sharepoint.com/sites/";
/// OneDrive root of the tenant.
pub const ONEDRIVE_ROOT: &str = "https://contoso-my.sharepoint.com/personal/";
/// Prefix of Windows account SIDs in the tenant's on-premises domain.
pub const SID_PREFIX: &str = "S-1-5-21-1004336348-1177238915-682003330-";

/// A department: display name, SharePoint site slug, share of users, document stems and folders.
pub struct Department {
    /// `Department` column value.
    pub name: &'static str,
    /// Site path segment under [`SHAREPOINT_ROOT`].
    pub site: &'static str,
    /// Relative share of users.
    pub weight: f64,
    /// Department-specific file name stems.
    pub stems: &'static [&'static str],
    /// Folders inside the site's document library.
    pub folders: &'static [&'static str],
    /// How sensitive its documents are, 0..=1 (shifts the label mix upwards).
    pub sensitivity: f64,
}

/// Departments of the tenant.
pub const DEPARTMENTS: &[Department] = &[
    Department {
        name: "Finance",
        site: "Finance",
        weight: 8.0,
        stems: &[
            "FY25-budget",
            "Q2-forecast",
            "payroll-summary",
            "invoice-register",
            "audit-findings",
            "vendor-payments",
            "cash-flow-model",
            "board-financials",
            "expense-report",
            "tax-provision",
            "revenue-recognition",
            "quarter-close-checklist",
        ],
        folders: &["Budget", "Close", "Payroll", "Audit", "Treasury", "Reports"],
        sensitivity: 0.8,
    },
    Department {
        name: "Sales",
        site: "Sales",
        weight: 16.0,
        stems: &[
            "pipeline-review",
            "customer-list",
            "pricing-sheet",
            "territory-plan",
            "deal-desk-approval",
            "account-plan",
            "quote",
            "commission-statement",
            "win-loss-analysis",
        ],
        folders: &["Accounts", "Pricing", "Pipeline", "Contracts"],
        sensitivity: 0.45,
    },
    Department {
        name: "Marketing",
        site: "Marketing",
        weight: 10.0,
        stems: &[
            "campaign-brief",
            "brand-guidelines",
            "launch-plan",
            "press-release-draft",
            "event-budget",
            "webinar-leads",
            "social-calendar",
        ],
        folders: &["Campaigns", "Brand", "Events", "Leads"],
        sensitivity: 0.25,
    },
    Department {
        name: "Engineering",
        site: "Engineering",
        weight: 18.0,
        stems: &[
            "architecture-overview",
            "design-spec",
            "incident-postmortem",
            "api-keys-rotation",
            "release-notes",
            "threat-model",
            "source-export",
            "roadmap",
            "test-plan",
        ],
        folders: &["Design", "Releases", "Incidents", "Specs"],
        sensitivity: 0.55,
    },
    Department {
        name: "Human Resources",
        site: "HumanResources",
        weight: 5.0,
        stems: &[
            "employee-roster",
            "salary-bands",
            "performance-reviews",
            "offer-letter",
            "benefits-enrollment",
            "termination-checklist",
            "org-chart",
            "background-checks",
        ],
        folders: &["Employees", "Compensation", "Recruiting", "Policies"],
        sensitivity: 0.85,
    },
    Department {
        name: "Legal",
        site: "Legal",
        weight: 3.0,
        stems: &[
            "nda",
            "master-services-agreement",
            "litigation-hold",
            "patent-filing",
            "merger-term-sheet",
            "compliance-review",
        ],
        folders: &["Contracts", "Litigation", "IP", "Compliance"],
        sensitivity: 0.9,
    },
    Department {
        name: "Operations",
        site: "Operations",
        weight: 10.0,
        stems: &[
            "supplier-list",
            "inventory-report",
            "logistics-plan",
            "facilities-schedule",
            "shipping-manifest",
            "procurement-request",
        ],
        folders: &["Suppliers", "Inventory", "Logistics"],
        sensitivity: 0.35,
    },
    Department {
        name: "Research & Development",
        site: "ResearchDevelopment",
        weight: 9.0,
        stems: &[
            "prototype-results",
            "lab-notebook",
            "formula-v2",
            "patent-draft",
            "clinical-data",
            "research-roadmap",
        ],
        folders: &["Prototypes", "Experiments", "Patents"],
        sensitivity: 0.75,
    },
    Department {
        name: "IT",
        site: "IT",
        weight: 6.0,
        stems: &[
            "asset-inventory",
            "firewall-rules",
            "admin-accounts",
            "backup-schedule",
            "network-diagram",
            "vpn-config",
        ],
        folders: &["Infrastructure", "Security", "Runbooks"],
        sensitivity: 0.6,
    },
    Department {
        name: "Customer Support",
        site: "Support",
        weight: 12.0,
        stems: &[
            "case-escalations",
            "customer-contacts",
            "refund-log",
            "support-playbook",
            "satisfaction-survey",
        ],
        folders: &["Cases", "Playbooks", "Surveys"],
        sensitivity: 0.4,
    },
    Department {
        name: "Executive",
        site: "Leadership",
        weight: 1.0,
        stems: &[
            "board-deck",
            "strategy-offsite",
            "acquisition-shortlist",
            "exec-compensation",
            "investor-update",
        ],
        folders: &["Board", "Strategy"],
        sensitivity: 0.95,
    },
];

/// Stems any department may use.
pub const COMMON_STEMS: &[&str] = &[
    "meeting-notes",
    "project-plan",
    "status-report",
    "team-offsite",
    "onboarding-guide",
    "weekly-update",
    "kickoff-deck",
    "okr-tracker",
    "contact-list",
    "training-material",
];

/// Suffixes appended to stems to make file names distinct and realistic.
pub const NAME_VARIANTS: &[&str] = &[
    "",
    "-v2",
    "-v3",
    "-final",
    "-draft",
    "-2025-05",
    "-2025-06",
    "-FY25",
    "-Q1",
    "-Q2",
    "-copy",
    "-reviewed",
    "-signed",
    "-internal",
];

/// File extensions (no dot, as in `FileExtension`) with relative weights and a size range in bytes.
pub const EXTENSIONS: &[(&str, f64, i64, i64)] = &[
    ("docx", 26.0, 18_000, 2_500_000),
    ("xlsx", 24.0, 9_000, 8_000_000),
    ("pptx", 12.0, 400_000, 40_000_000),
    ("pdf", 16.0, 40_000, 12_000_000),
    ("csv", 6.0, 1_000, 30_000_000),
    ("txt", 3.0, 200, 400_000),
    ("msg", 3.0, 20_000, 5_000_000),
    ("png", 4.0, 30_000, 4_000_000),
    ("one", 1.5, 50_000, 8_000_000),
    ("zip", 2.0, 500_000, 300_000_000),
    ("json", 1.0, 500, 2_000_000),
    ("py", 1.0, 800, 200_000),
];

/// Microsoft Purview default sensitivity labels, `defa4170-0d19-0005-000X-bc88714345d2` with
/// X = the index (community-reported mapping, tables.md 3.2).
pub const LABEL_NAMES: [&str; 12] = [
    "Personal",
    "Public",
    "General",
    "General\\Anyone (unrestricted)",
    "General\\All Employees (unrestricted)",
    "Confidential",
    "Confidential\\Anyone (unrestricted)",
    "Confidential\\All Employees",
    "Confidential\\Trusted People",
    "Highly Confidential",
    "Highly Confidential\\All Employees",
    "Highly Confidential\\Specified People",
];

/// Label index of "General".
pub const LABEL_GENERAL: u8 = 2;
/// Label index of "Confidential".
pub const LABEL_CONFIDENTIAL: u8 = 5;
/// Label index of "Highly Confidential".
pub const LABEL_HIGHLY_CONFIDENTIAL: u8 = 9;

/// The GUIDs of [`LABEL_NAMES`], index for index.
pub const LABEL_IDS: [&str; 12] = [
    "defa4170-0d19-0005-0000-bc88714345d2",
    "defa4170-0d19-0005-0001-bc88714345d2",
    "defa4170-0d19-0005-0002-bc88714345d2",
    "defa4170-0d19-0005-0003-bc88714345d2",
    "defa4170-0d19-0005-0004-bc88714345d2",
    "defa4170-0d19-0005-0005-bc88714345d2",
    "defa4170-0d19-0005-0006-bc88714345d2",
    "defa4170-0d19-0005-0007-bc88714345d2",
    "defa4170-0d19-0005-0008-bc88714345d2",
    "defa4170-0d19-0005-0009-bc88714345d2",
    "defa4170-0d19-0005-000a-bc88714345d2",
    "defa4170-0d19-0005-000b-bc88714345d2",
];

/// Sensitive information types: id, display name, classifier type.
///
/// The `Content` ids are Microsoft built-in SIT ids as published in community mapping
/// tables; the `MLModel` (trainable classifier) ids are *invented*.
pub const SITS: &[(&str, &str, &str)] = &[
    (
        "50842eb7-edc8-4019-85dd-5a5c1f2bb085",
        "Credit Card Number",
        "Content",
    ),
    (
        "a44669fe-0d48-453d-a9b1-2cc83f2cba77",
        "U.S. Social Security Number (SSN)",
        "Content",
    ),
    (
        "50b8b56b-4ef8-44c2-a924-03374f5831ce",
        "All Full Names",
        "Content",
    ),
    (
        "cb353f78-2b72-4c3c-8827-92ebe4f69fdf",
        "ABA Routing Number",
        "Content",
    ),
    (
        "a2ce32a8-f935-4bb6-8e96-2a5157672e2c",
        "U.S. Bank Account Number",
        "Content",
    ),
    (
        "e7dc4711-11b7-4cb0-b88b-2c394a771f0e",
        "International Banking Account Number (IBAN)",
        "Content",
    ),
    (
        "178ec42a-18b4-47cc-85c7-d62c92fd67f8",
        "U.S. / U.K. Passport Number",
        "Content",
    ),
    (
        "1daa4ad5-e2dd-4ca4-a788-54722c09efb2",
        "IP Address",
        "Content",
    ),
    (
        "8d1c0bd3-7a8f-4e5b-9c2d-3f6a1e0b4c71",
        "Source Code",
        "MLModel",
    ),
    (
        "3c7e2a91-5b4d-4f08-a6e3-9d2c1b0f8e64",
        "Financial Statements",
        "MLModel",
    ),
];

/// SIT indexes (into [`SITS`]) typical of each department, by [`DEPARTMENTS`] index.
pub const DEPT_SITS: &[&[usize]] = &[
    &[0, 3, 4, 5, 9],
    &[0, 2, 5],
    &[2],
    &[7, 8],
    &[1, 2, 6],
    &[2, 1],
    &[2, 4],
    &[8, 2],
    &[7, 8, 2],
    &[0, 2],
    &[9, 2, 4],
];

/// DLP policies: name, id (*invented* ids).
pub const DLP_POLICIES: &[(&str, &str)] = &[
    (
        "U.S. Financial Data",
        "5f1f3c2a-8d4b-4e6f-9a1c-2b3d4e5f6a7b",
    ),
    (
        "U.S. Personally Identifiable Information (PII) Data",
        "8a2b4c6d-1e3f-4a5b-8c7d-9e0f1a2b3c4d",
    ),
    (
        "General Data Protection Regulation (GDPR)",
        "2c4e6a8b-3d5f-4b7a-9c1e-0d2f4a6b8c9e",
    ),
    (
        "PCI Data Security Standard (PCI DSS)",
        "7e9a1c3b-5d7f-4e2a-8b4c-6d8e0f2a4b6c",
    ),
    (
        "Removable media - Confidential",
        "3b5d7f9a-2c4e-4f6a-8d1b-5e7a9c1d3f5b",
    ),
    (
        "Copilot - Highly Confidential",
        "9d1f3b5a-7c9e-4a2b-b4d6-8f0a2c4e6b8d",
    ),
];

/// Index of the removable-media DLP policy in [`DLP_POLICIES`].
pub const DLP_REMOVABLE: usize = 4;

/// Insider Risk Management policies: name, id (*invented* ids).
pub const IRM_POLICIES: &[(&str, &str)] = &[
    (
        "Data theft by departing users",
        "c3e5a7b9-1d3f-4c5e-9a7b-2d4f6a8c0e1b",
    ),
    ("Data leaks", "e5a7c9b1-3f5d-4e7a-8b9c-4f6a8c0e2d3f"),
    ("Risky AI usage", "a7c9e1b3-5d7f-4a9c-9d1e-6a8c0e2f4b5d"),
    (
        "Security policy violations",
        "b9d1f3a5-7e9c-4b1d-8f3a-8c0e2a4d6f7b",
    ),
];

/// Communication Compliance policies: name, id (*invented* ids).
pub const CC_POLICIES: &[(&str, &str)] = &[
    ("Inappropriate text", "d1f3b5c7-9a1e-4d3f-a5b7-0e2a4c6f8a9d"),
    (
        "Sensitive information",
        "f3b5d7e9-1c3a-4f5b-b7d9-2a4c6e8b0c1f",
    ),
];

/// Copilot host applications (`ApplicationNames` on Copilot rows).
pub const COPILOT_APPS: &[&str] = &[
    "Microsoft 365 Copilot Chat",
    "Copilot in Word",
    "Copilot in Teams",
    "Copilot in Outlook",
    "Copilot in Excel",
    "Copilot in PowerPoint",
];

/// Connected AI apps: app name used in `RiskyAIUsageAppCategory` = `ConnectedAIApp.AzureAI.<app>`.
pub const AI_APPS: &[&str] = &[
    "contoso-hr-assistant",
    "sales-insights-bot",
    "finance-copilot-agent",
    "support-triage-agent",
    "legal-doc-summarizer",
];

/// Endpoint processes that touch files.
pub const ENDPOINT_APPS: &[&str] = &[
    "explorer.exe",
    "WINWORD.EXE",
    "EXCEL.EXE",
    "POWERPNT.EXE",
    "AcroRd32.exe",
    "msedge.exe",
    "chrome.exe",
    "OneDrive.exe",
    "notepad.exe",
];

/// Browsers (uploads and browsing).
pub const BROWSERS: &[&str] = &["msedge.exe", "chrome.exe", "firefox.exe"];

/// Archivers used for `File Archived`.
pub const ARCHIVERS: &[&str] = &["7zFM.exe", "explorer.exe", "WinRAR.exe"];

/// Cloud upload destinations: domain, whether IRM global settings mark it unallowed.
pub const UPLOAD_DOMAINS: &[(&str, bool)] = &[
    ("drive.google.com", true),
    ("www.dropbox.com", true),
    ("wetransfer.com", true),
    ("mega.nz", true),
    ("app.box.com", false),
    ("contoso-my.sharepoint.com", false),
    ("github.com", false),
];

/// Generative AI sites for `Generative AI websites browsed`.
pub const GENAI_DOMAINS: &[&str] = &[
    "chatgpt.com",
    "gemini.google.com",
    "claude.ai",
    "www.perplexity.ai",
    "chat.deepseek.com",
    "poe.com",
];

/// Gambling sites for `Gambling websites browsed`.
pub const GAMBLING_DOMAINS: &[&str] =
    &["www.bet365.com", "www.pokerstars.com", "www.draftkings.com"];

/// External mail domains for recipients.
pub const EXTERNAL_MAIL_DOMAINS: &[&str] = &[
    "fabrikam.com",
    "northwindtraders.com",
    "adventure-works.com",
    "tailspintoys.com",
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "proton.me",
];

/// E-mail subjects.
pub const EMAIL_SUBJECTS: &[&str] = &[
    "Updated pricing for renewal",
    "RE: Invoice 44817",
    "Q2 numbers - confidential",
    "FW: customer export",
    "Payroll corrections June",
    "Contract redlines",
    "Candidate packet",
    "Follow-up from today's call",
    "Signed NDA attached",
    "Board pack draft",
    "Wire transfer details",
    "Project Falcon status",
    "Employee list for benefits vendor",
    "Bank details update",
];

/// Microsoft Teams teams.
pub const TEAMS_TEAMS: &[&str] = &[
    "Contoso All Hands",
    "Finance Team",
    "Sales EMEA",
    "Mark 8 Project Team",
    "Retail",
    "Engineering Platform",
    "HR Partners",
    "Project Falcon",
];

/// Microsoft Teams channels.
pub const TEAMS_CHANNELS: &[&str] = &[
    "General",
    "Announcements",
    "Deals",
    "Design",
    "Escalations",
    "Month-end close",
    "Hiring",
    "Random",
];

/// `TeamsChannelType` values (*assumed* spelling of standard/private/shared).
pub const TEAMS_CHANNEL_TYPES: &[&str] = &["Standard", "Private", "Shared"];

/// Removable storage devices: manufacturer, model.
pub const USB_MODELS: &[(&str, &str)] = &[
    ("SanDisk", "Ultra Fit"),
    ("SanDisk", "Cruzer Blade"),
    ("Kingston", "DataTraveler Exodia"),
    ("Samsung", "BAR Plus"),
    ("Lexar", "JumpDrive S47"),
    ("Seagate", "Expansion Portable"),
    ("WD", "My Passport"),
];

/// Demo-tenant people who always exist, with their departments (user 0..N of every dataset).
pub const NAMED_USERS: &[(&str, &str, &str)] = &[
    ("Megan", "Bowen", "Finance"),
    ("Diego", "Siciliani", "Research & Development"),
    ("Isaiah", "Langer", "Sales"),
    ("Adele", "Vance", "Sales"),
    ("Alex", "Wilber", "Marketing"),
    ("Lee", "Gu", "Operations"),
    ("Lidia", "Holloway", "Engineering"),
    ("Lynne", "Robbins", "Customer Support"),
    ("Miriam", "Graham", "Executive"),
    ("Nestor", "Wilke", "Operations"),
    ("Patti", "Fernandez", "Executive"),
    ("Pradeep", "Gupta", "Finance"),
    ("Johanna", "Lorenz", "Engineering"),
    ("Joni", "Sherman", "Legal"),
    ("Grady", "Archie", "Research & Development"),
    ("Henrietta", "Mueller", "Research & Development"),
    ("Irvin", "Sayers", "IT"),
];

/// Given names for generated users.
pub const FIRST_NAMES: &[&str] = &[
    "Aaron",
    "Abigail",
    "Ahmed",
    "Aisha",
    "Alan",
    "Alejandro",
    "Alice",
    "Amanda",
    "Amir",
    "Ana",
    "Andrea",
    "Andrew",
    "Anna",
    "Anthony",
    "Arjun",
    "Ava",
    "Ben",
    "Bianca",
    "Brian",
    "Camila",
    "Carlos",
    "Carmen",
    "Chen",
    "Chloe",
    "Chris",
    "Daniel",
    "David",
    "Deepa",
    "Diana",
    "Dmitri",
    "Elena",
    "Eli",
    "Emily",
    "Emma",
    "Eric",
    "Fatima",
    "Felix",
    "Fiona",
    "Gabriel",
    "Grace",
    "Hana",
    "Hannah",
    "Hiro",
    "Ian",
    "Ines",
    "Ivan",
    "Jack",
    "James",
    "Jana",
    "Jason",
    "Javier",
    "Jen",
    "Jin",
    "John",
    "Jorge",
    "Julia",
    "Kai",
    "Karen",
    "Kenji",
    "Kevin",
    "Laura",
    "Leo",
    "Liam",
    "Lina",
    "Lucas",
    "Lucy",
    "Maria",
    "Mark",
    "Marta",
    "Mateo",
    "Mei",
    "Michael",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nathan",
    "Nina",
    "Noah",
    "Olivia",
    "Omar",
    "Oscar",
    "Paul",
    "Priya",
    "Rachel",
    "Rahul",
    "Raj",
    "Rosa",
    "Ryan",
    "Sam",
    "Sara",
    "Sean",
    "Sofia",
    "Sophie",
    "Stefan",
    "Tanya",
    "Thomas",
    "Tom",
    "Victor",
    "Wei",
    "Yara",
    "Yuki",
    "Zoe",
];

/// Family names for generated users.
pub const LAST_NAMES: &[&str] = &[
    "Adams",
    "Ahmed",
    "Alvarez",
    "Anderson",
    "Baker",
    "Becker",
    "Brown",
    "Campbell",
    "Carter",
    "Chen",
    "Clark",
    "Costa",
    "Cruz",
    "Davis",
    "Diaz",
    "Dubois",
    "Evans",
    "Fischer",
    "Flores",
    "Garcia",
    "Gomez",
    "Green",
    "Hall",
    "Hansen",
    "Harris",
    "Hernandez",
    "Hill",
    "Ito",
    "Jackson",
    "Jensen",
    "Johnson",
    "Jones",
    "Kapoor",
    "Kim",
    "King",
    "Klein",
    "Kowalski",
    "Kumar",
    "Lee",
    "Lewis",
    "Li",
    "Lopez",
    "Martin",
    "Martinez",
    "Meyer",
    "Miller",
    "Mitchell",
    "Moore",
    "Morales",
    "Muller",
    "Murphy",
    "Nakamura",
    "Nelson",
    "Nguyen",
    "Novak",
    "Olsen",
    "Ortiz",
    "Patel",
    "Perez",
    "Petrov",
    "Phillips",
    "Ramirez",
    "Reddy",
    "Reyes",
    "Roberts",
    "Robinson",
    "Rossi",
    "Sanchez",
    "Sato",
    "Schmidt",
    "Scott",
    "Shah",
    "Silva",
    "Singh",
    "Smith",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Thomas",
    "Thompson",
    "Torres",
    "Turner",
    "Walker",
    "Wang",
    "White",
    "Williams",
    "Wilson",
    "Wong",
    "Wright",
    "Yamamoto",
    "Young",
    "Zhang",
];

/// Office egress IPs (documentation ranges, RFC 5737).
pub const OFFICE_IPS: &[&str] = &[
    "203.0.113.10",
    "203.0.113.11",
    "198.51.100.20",
    "198.51.100.21",
];
