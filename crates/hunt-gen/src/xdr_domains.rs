//! Value domains of the correlation tables (Defender for Endpoint, Office, Cloud Apps,
//! Identity): process images, command lines, action types, remote endpoints, cloud apps.
//!
//! Values follow what the Microsoft Learn table pages and Microsoft's public hunting
//! queries show (`ProcessCreated`, `ConnectionSuccess`, `LogonSuccess`, `FileCreated`,
//! `TokenElevationTypeDefault`, `Inbound`/`Outbound`/`Intra-org`, …), so public hunts
//! over these tables find rows.

/// A process image: what the `*ProcessVersionInfo*`, `FolderPath` and command-line
/// columns say about an executable.
pub(crate) struct Image {
    /// File name, as Windows reports it (case kept).
    pub name: &'static str,
    /// Folder holding it, without the trailing backslash; `%USER%` stands for the
    /// user's profile folder.
    pub folder: &'static str,
    pub company: &'static str,
    pub product: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    pub size: i64,
    /// Typical command lines (`%USER%` as above).
    pub commands: &'static [&'static str],
    /// Index of the usual parent image in [`IMAGES`].
    pub parent: usize,
    /// Background weight of `ProcessCreated` rows for this image.
    pub weight: f64,
    /// Whether it is a signed Microsoft binary (`InitiatingProcessSignerType`).
    pub microsoft: bool,
}

const MS: &str = "Microsoft Corporation";
const WIN: &str = "Microsoft® Windows® Operating System";
const OFFICE: &str = "Microsoft Office";

/// Index of `explorer.exe`.
pub(crate) const EXPLORER: usize = 0;
/// Index of `svchost.exe`.
pub(crate) const SVCHOST: usize = 1;
/// Index of `chrome.exe`.
pub(crate) const CHROME: usize = 3;
/// Index of `7zFM.exe`.
pub(crate) const SEVENZIP_FM: usize = 13;
/// Index of `7z.exe`.
pub(crate) const SEVENZIP: usize = 14;
/// Index of `OUTLOOK.EXE`.
pub(crate) const OUTLOOK: usize = 7;
/// Index of `lsass.exe` (logon events).
pub(crate) const LSASS: usize = 20;

/// The process images of the estate. Order matters: indexes above point into it.
pub(crate) const IMAGES: &[Image] = &[
    Image { name: "explorer.exe", folder: "C:\\Windows", company: MS, product: WIN, version: "10.0.22621.3085", description: "Windows Explorer", size: 5_475_640, commands: &["Explorer.EXE"], parent: 21, weight: 4.0, microsoft: true },
    Image { name: "svchost.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Host Process for Windows Services", size: 57_360, commands: &["svchost.exe -k netsvcs -p -s Schedule", "svchost.exe -k LocalService -p -s EventLog", "svchost.exe -k NetworkService -p -s Dnscache", "svchost.exe -k wsappx -p -s AppXSvc"], parent: 22, weight: 10.0, microsoft: true },
    Image { name: "msedge.exe", folder: "C:\\Program Files (x86)\\Microsoft\\Edge\\Application", company: MS, product: "Microsoft Edge", version: "126.0.2592.68", description: "Microsoft Edge", size: 4_011_544, commands: &["\"msedge.exe\" --single-argument https://contoso.sharepoint.com/", "\"msedge.exe\" --type=renderer --lang=en-US", "\"msedge.exe\""], parent: EXPLORER, weight: 9.0, microsoft: true },
    Image { name: "chrome.exe", folder: "C:\\Program Files\\Google\\Chrome\\Application", company: "Google LLC", product: "Google Chrome", version: "126.0.6478.127", description: "Google Chrome", size: 3_237_408, commands: &["\"chrome.exe\"", "\"chrome.exe\" --type=renderer --lang=en-US", "\"chrome.exe\" --type=utility --utility-sub-type=network.mojom.NetworkService"], parent: EXPLORER, weight: 6.0, microsoft: false },
    Image { name: "WINWORD.EXE", folder: "C:\\Program Files\\Microsoft Office\\root\\Office16", company: MS, product: OFFICE, version: "16.0.17726.20160", description: "Microsoft Word", size: 1_622_416, commands: &["\"WINWORD.EXE\" /n \"%USER%\\Documents\\%DOC%\"", "\"WINWORD.EXE\""], parent: EXPLORER, weight: 4.0, microsoft: true },
    Image { name: "EXCEL.EXE", folder: "C:\\Program Files\\Microsoft Office\\root\\Office16", company: MS, product: OFFICE, version: "16.0.17726.20160", description: "Microsoft Excel", size: 63_184_264, commands: &["\"EXCEL.EXE\" \"%USER%\\Documents\\%DOC%\"", "\"EXCEL.EXE\""], parent: EXPLORER, weight: 4.0, microsoft: true },
    Image { name: "POWERPNT.EXE", folder: "C:\\Program Files\\Microsoft Office\\root\\Office16", company: MS, product: OFFICE, version: "16.0.17726.20160", description: "Microsoft PowerPoint", size: 1_951_120, commands: &["\"POWERPNT.EXE\""], parent: EXPLORER, weight: 1.5, microsoft: true },
    Image { name: "OUTLOOK.EXE", folder: "C:\\Program Files\\Microsoft Office\\root\\Office16", company: MS, product: OFFICE, version: "16.0.17726.20160", description: "Microsoft Outlook", size: 42_806_656, commands: &["\"OUTLOOK.EXE\"", "\"OUTLOOK.EXE\" /recycle"], parent: EXPLORER, weight: 2.0, microsoft: true },
    Image { name: "ms-teams.exe", folder: "C:\\Program Files\\WindowsApps\\MSTeams_24152.405.2925.6762_x64__8wekyb3d8bbwe", company: MS, product: "Microsoft Teams", version: "24152.405.2925.6762", description: "Microsoft Teams", size: 1_118_520, commands: &["\"ms-teams.exe\" msteams:system-initiated"], parent: EXPLORER, weight: 2.0, microsoft: true },
    Image { name: "OneDrive.exe", folder: "C:\\Program Files\\Microsoft OneDrive", company: MS, product: "Microsoft OneDrive", version: "24.116.0609.0004", description: "Microsoft OneDrive", size: 3_690_296, commands: &["\"OneDrive.exe\" /background", "\"OneDrive.exe\" /updateInstalled /background"], parent: EXPLORER, weight: 2.0, microsoft: true },
    Image { name: "cmd.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.2506", description: "Windows Command Processor", size: 323_584, commands: &["cmd.exe /c ipconfig /all", "\"cmd.exe\" /c echo %DATE%", "cmd.exe /c \"C:\\ProgramData\\Contoso\\logon.cmd\"", "cmd.exe /c net use Z: \\\\fs01.contoso.com\\shared"], parent: EXPLORER, weight: 2.0, microsoft: true },
    Image { name: "powershell.exe", folder: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0", company: MS, product: WIN, version: "10.0.22621.3085", description: "Windows PowerShell", size: 455_680, commands: &["powershell.exe -ExecutionPolicy Bypass -File C:\\ProgramData\\Contoso\\inventory.ps1", "\"powershell.exe\" -NoProfile -Command Get-Service", "powershell.exe -NoLogo -NonInteractive -Command \"Get-ChildItem $env:USERPROFILE\\Documents\""], parent: 10, weight: 1.5, microsoft: true },
    Image { name: "conhost.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Console Window Host", size: 868_352, commands: &["\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"], parent: 10, weight: 2.0, microsoft: true },
    Image { name: "7zFM.exe", folder: "C:\\Program Files\\7-Zip", company: "Igor Pavlov", product: "7-Zip", version: "23.01", description: "7-Zip File Manager", size: 983_552, commands: &["\"C:\\Program Files\\7-Zip\\7zFM.exe\""], parent: EXPLORER, weight: 0.2, microsoft: false },
    Image { name: "7z.exe", folder: "C:\\Program Files\\7-Zip", company: "Igor Pavlov", product: "7-Zip", version: "23.01", description: "7-Zip Console", size: 559_104, commands: &["7z.exe x \"%USER%\\Downloads\\%DOC%.zip\""], parent: SEVENZIP_FM, weight: 0.1, microsoft: false },
    Image { name: "rundll32.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Windows host process (Rundll32)", size: 71_680, commands: &["rundll32.exe C:\\Windows\\System32\\shell32.dll,SHCreateLocalServerRunDll {9aa46009-3ce0-458a-a354-715610a075e6}", "rundll32.exe AppXDeploymentExtensions.OneCore.dll,ShellRefresh"], parent: SVCHOST, weight: 1.0, microsoft: true },
    Image { name: "taskhostw.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.3085", description: "Host Process for Windows Tasks", size: 102_400, commands: &["taskhostw.exe", "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly"], parent: SVCHOST, weight: 2.0, microsoft: true },
    Image { name: "MsSense.exe", folder: "C:\\Program Files\\Windows Defender Advanced Threat Protection", company: MS, product: WIN, version: "10.8760.22621.1030", description: "Windows Defender Advanced Threat Protection Service Executable", size: 4_914_656, commands: &["\"MsSense.exe\""], parent: 22, weight: 0.5, microsoft: true },
    Image { name: "SenseIR.exe", folder: "C:\\Program Files\\Windows Defender Advanced Threat Protection", company: MS, product: WIN, version: "10.8760.22621.1030", description: "Windows Defender Advanced Threat Protection Automated Investigation & Remediation", size: 3_128_320, commands: &["\"SenseIR.exe\" \"OfflineSenseIR\""], parent: 17, weight: 0.3, microsoft: true },
    Image { name: "whoami.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "whoami - displays logged on user information", size: 73_728, commands: &["whoami.exe /all", "whoami /groups"], parent: 10, weight: 0.15, microsoft: true },
    Image { name: "lsass.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.3085", description: "Local Security Authority Process", size: 84_240, commands: &["C:\\Windows\\system32\\lsass.exe"], parent: 23, weight: 0.0, microsoft: true },
    Image { name: "userinit.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Userinit Logon Application", size: 34_304, commands: &["C:\\Windows\\system32\\userinit.exe"], parent: 23, weight: 0.3, microsoft: true },
    Image { name: "services.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.3085", description: "Services and Controller app", size: 716_288, commands: &["C:\\Windows\\system32\\services.exe"], parent: 23, weight: 0.0, microsoft: true },
    Image { name: "wininit.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Windows Start-Up Application", size: 477_184, commands: &["wininit.exe"], parent: 23, weight: 0.0, microsoft: true },
    Image { name: "net.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Net Command", size: 57_856, commands: &["net.exe use", "net user %ACCOUNT% /domain", "net.exe localgroup administrators"], parent: 10, weight: 0.3, microsoft: true },
    Image { name: "schtasks.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Task Scheduler Configuration Tool", size: 235_008, commands: &["schtasks.exe /query /fo LIST", "schtasks /create /tn \"OneDrive Reporting Task\" /tr \"%USER%\\AppData\\Local\\Microsoft\\OneDrive\\OneDriveStandaloneUpdater.exe\" /sc daily"], parent: 10, weight: 0.2, microsoft: true },
    Image { name: "vssadmin.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Command Line Interface for Microsoft® Volume Shadow Copy Service", size: 141_312, commands: &["vssadmin.exe list shadows"], parent: 10, weight: 0.05, microsoft: true },
    Image { name: "Code.exe", folder: "%USER%\\AppData\\Local\\Programs\\Microsoft VS Code", company: MS, product: "Visual Studio Code", version: "1.90.2", description: "Visual Studio Code", size: 155_772_824, commands: &["\"Code.exe\"", "\"Code.exe\" --type=utility"], parent: EXPLORER, weight: 0.8, microsoft: true },
    Image { name: "AcroRd32.exe", folder: "C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader", company: "Adobe Systems Incorporated", product: "Adobe Acrobat Reader DC", version: "24.2.20857.0", description: "Adobe Acrobat Reader DC", size: 3_112_248, commands: &["\"AcroRd32.exe\" \"%USER%\\Downloads\\%DOC%\""], parent: EXPLORER, weight: 1.0, microsoft: false },
    Image { name: "notepad.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "10.0.22621.1", description: "Notepad", size: 201_216, commands: &["\"notepad.exe\" \"%USER%\\Documents\\notes.txt\"", "notepad.exe"], parent: EXPLORER, weight: 0.8, microsoft: true },
    Image { name: "wscript.exe", folder: "C:\\Windows\\System32", company: MS, product: WIN, version: "5.812.10240.16384", description: "Microsoft ® Windows Based Script Host", size: 167_936, commands: &["\"wscript.exe\" C:\\ProgramData\\Contoso\\map-drives.vbs"], parent: EXPLORER, weight: 0.1, microsoft: true },
];

/// `DeviceFileEvents` action types and background weights.
pub(crate) const FILE_ACTIONS: &[(&str, f64)] = &[
    ("FileCreated", 50.0),
    ("FileModified", 35.0),
    ("FileRenamed", 8.0),
    ("FileDeleted", 7.0),
];

/// `DeviceLogonEvents` logon types with background weights (`LogonSuccess` rows).
pub(crate) const LOGON_TYPES: &[(&str, f64)] = &[
    ("Interactive", 30.0),
    ("Unlock", 25.0),
    ("Network", 25.0),
    ("RemoteInteractive", 3.0),
    ("CachedInteractive", 6.0),
    ("Batch", 4.0),
    ("Service", 7.0),
];

/// `FailureReason` values of `LogonFailed` rows.
pub(crate) const LOGON_FAILURES: &[&str] = &[
    "InvalidUserNameOrPassword",
    "WrongPassword",
    "UserLogonTypeNotGranted",
    "AccountLocked",
];

/// Remote endpoints of `DeviceNetworkEvents`: URL, IP, port, initiating image, weight.
pub(crate) const REMOTES: &[(&str, &str, i32, usize, f64)] = &[
    ("contoso.sharepoint.com", "52.104.9.3", 443, 2, 14.0),
    ("contoso-my.sharepoint.com", "52.104.9.8", 443, 9, 10.0),
    ("outlook.office365.com", "52.97.146.178", 443, OUTLOOK, 12.0),
    ("teams.microsoft.com", "52.113.194.132", 443, 8, 10.0),
    ("login.microsoftonline.com", "20.190.151.7", 443, 2, 8.0),
    ("www.bing.com", "204.79.197.200", 443, 2, 6.0),
    ("winatp-gw-eus.microsoft.com", "20.42.73.25", 443, 17, 8.0),
    ("www.google.com", "142.250.72.196", 443, CHROME, 6.0),
    ("github.com", "140.82.114.3", 443, CHROME, 2.0),
    ("chatgpt.com", "104.18.32.47", 443, CHROME, 2.0),
    ("drive.google.com", "142.250.72.174", 443, CHROME, 0.6),
    ("www.dropbox.com", "162.125.1.18", 443, CHROME, 0.4),
    ("wetransfer.com", "52.216.176.13", 443, CHROME, 0.2),
    ("mega.nz", "31.216.147.135", 443, CHROME, 0.05),
    ("", "10.10.0.10", 445, 0, 2.0),
    ("", "10.10.0.5", 53, 1, 3.0),
];

/// Outbound IP of the departing user's uploads to `mega.nz`.
pub(crate) const MEGA_IP: &str = "31.216.147.135";
/// Outbound IP of the departing user's uploads to `drive.google.com`.
pub(crate) const GDRIVE_IP: &str = "142.250.72.174";

/// Cloud apps of `CloudAppEvents`: name, `ApplicationId`, background weight.
pub(crate) const CLOUD_APPS: &[(&str, i32, f64)] = &[
    ("Microsoft SharePoint Online", 20892, 30.0),
    ("Microsoft OneDrive for Business", 15600, 14.0),
    ("Microsoft Exchange Online", 20893, 25.0),
    ("Microsoft Teams", 28375, 16.0),
    ("Microsoft 365 Copilot", 33212, 8.0),
    ("Microsoft Entra ID", 12260, 5.0),
    ("Dropbox", 11627, 1.0),
    ("Google Drive", 10489, 1.0),
];

/// Index of SharePoint in [`CLOUD_APPS`].
pub(crate) const APP_SHAREPOINT: usize = 0;
/// Index of Exchange Online in [`CLOUD_APPS`].
pub(crate) const APP_EXCHANGE: usize = 2;
/// Index of Microsoft 365 Copilot in [`CLOUD_APPS`].
pub(crate) const APP_COPILOT: usize = 4;
/// Index of Google Drive in [`CLOUD_APPS`].
pub(crate) const APP_GDRIVE: usize = 7;
/// `ApplicationId` of Mega (a discovered app, only in the planted scenario).
pub(crate) const MEGA_APP_ID: i32 = 26061;

/// Per app: `(ActionType, ActivityType, ObjectType, weight)` of background rows.
pub(crate) fn cloud_actions(app: usize) -> &'static [(&'static str, &'static str, &'static str, f64)] {
    match app {
        0 | 1 => &[
            ("FileAccessed", "Read", "File", 45.0),
            ("FileModified", "Edit", "File", 20.0),
            ("FileDownloaded", "Download", "File", 15.0),
            ("FileUploaded", "Upload", "File", 12.0),
            ("SharingSet", "Share", "File", 5.0),
            ("AnonymousLinkCreated", "Share", "File", 1.0),
            ("FileDeleted", "Delete", "File", 2.0),
        ],
        2 => &[
            ("MailItemsAccessed", "Read", "Email", 70.0),
            ("Send", "Send", "Email", 25.0),
            ("New-InboxRule", "Create", "Mailbox rule", 1.0),
            ("MoveToDeletedItems", "Delete", "Email", 4.0),
        ],
        3 => &[
            ("MessageSent", "Send", "Message", 50.0),
            ("ChatRetrieved", "Read", "Chat", 35.0),
            ("MeetingParticipantDetail", "Read", "Meeting", 15.0),
        ],
        4 => &[("CopilotInteraction", "Interact", "Copilot interaction", 1.0)],
        5 => &[
            ("Add member to group.", "Edit", "Group", 30.0),
            ("Update user.", "Edit", "User", 60.0),
            ("Add app role assignment grant to user.", "Edit", "Application", 10.0),
        ],
        _ => &[
            ("FileUploaded", "Upload", "File", 40.0),
            ("FileDownloaded", "Download", "File", 60.0),
        ],
    }
}

/// Browser user agents of cloud activity.
pub(crate) const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17726; Pro)",
    "Microsoft SkyDriveSync 24.116.0609.0004 ship; Windows NT 10.0 (22631)",
];

/// Inbound mail senders outside the tenant: address, display name, domain, sender IPv4.
pub(crate) const INBOUND_SENDERS: &[(&str, &str, &str, &str)] = &[
    ("billing@fabrikam.com", "Fabrikam Billing", "fabrikam.com", "40.107.22.51"),
    ("news@northwindtraders.com", "Northwind Traders", "northwindtraders.com", "198.2.132.40"),
    ("support@adatum.com", "Adatum Support", "adatum.com", "40.107.94.12"),
    ("no-reply@docusign.net", "DocuSign", "docusign.net", "64.207.219.7"),
    ("noreply@litware-invoices.top", "Accounts Payable", "litware-invoices.top", "185.220.101.45"),
    ("it-helpdesk@contoso-support.xyz", "IT Helpdesk", "contoso-support.xyz", "45.142.212.61"),
];

/// Personal address the departing user mails files to.
pub(crate) const DEPARTING_PERSONAL_MAIL: &str = "meganb.home@gmail.com";

/// Job titles by department index (as in `domains::DEPARTMENTS`), first is the usual one.
pub(crate) const JOB_TITLES: &[&str] = &[
    "Analyst",
    "Senior Analyst",
    "Manager",
    "Specialist",
    "Engineer",
    "Director",
    "Coordinator",
    "Consultant",
];

/// Offices: city, country, street address, public NAT IP (matches `domains::OFFICE_IPS`).
pub(crate) const OFFICES: &[(&str, &str, &str)] = &[
    ("Redmond", "US", "One Microsoft Way"),
    ("Seattle", "US", "400 Pine Street"),
    ("London", "GB", "2 Kingdom Street"),
    ("Dublin", "IE", "South County Business Park"),
];
