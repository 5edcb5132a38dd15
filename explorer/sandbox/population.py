"""Reference data for the simulator: where viewers are, what they watch on, and what they watch.

Values are spelled as api.video shows them: lowercase OS and browser names (`windows`,
`mac osx`, `chrome`), ISO 3166 alpha-2 countries with lowercase English names (the v1 plays
API answered `france`), and the v2 continent codes (AZ stands for Oceania here).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    continent: str
    utc_offset_h: float  # a typical offset, enough for the viewers' daily rhythm
    weight: float
    cities: tuple[tuple[str, float], ...]


def _c(code: str, name: str, continent: str, offset: float, weight: float, cities: str) -> Country:
    """Cities as 'paris:5,lyon:2': name and weight within the country."""
    pairs = tuple((c.split(":")[0], float(c.split(":")[1])) for c in cities.split(","))
    return Country(code, name, continent, offset, weight, pairs)


COUNTRIES: tuple[Country, ...] = (
    _c("FR", "france", "EU", 1, 7, "paris:5,lyon:2,marseille:1.5,toulouse:1,lille:1"),
    _c("DE", "germany", "EU", 1, 6, "berlin:4,munich:2,hamburg:2,cologne:1.5"),
    _c("GB", "united kingdom", "EU", 0, 6, "london:6,manchester:2,birmingham:1.5,edinburgh:1"),
    _c("ES", "spain", "EU", 1, 3, "madrid:3,barcelona:3,valencia:1"),
    _c("IT", "italy", "EU", 1, 3, "rome:3,milan:3,naples:1"),
    _c("NL", "netherlands", "EU", 1, 2, "amsterdam:3,rotterdam:1.5,utrecht:1"),
    _c("PL", "poland", "EU", 1, 1.5, "warsaw:3,krakow:1.5"),
    _c("SE", "sweden", "EU", 1, 1, "stockholm:3,gothenburg:1"),
    _c("PT", "portugal", "EU", 0, 1, "lisbon:3,porto:2"),
    _c(
        "US",
        "united states",
        "NA",
        -6,
        14,
        "new york:5,los angeles:4,chicago:3,houston:2,seattle:1.5,miami:1.5",
    ),
    _c("CA", "canada", "NA", -5, 3, "toronto:3,montreal:2,vancouver:2"),
    _c("MX", "mexico", "NA", -6, 2.5, "mexico city:4,guadalajara:1.5,monterrey:1.5"),
    _c("BR", "brazil", "SA", -3, 4, "sao paulo:5,rio de janeiro:3,belo horizonte:1.5"),
    _c("AR", "argentina", "SA", -3, 1.5, "buenos aires:4,cordoba:1"),
    _c("CO", "colombia", "SA", -5, 1.2, "bogota:3,medellin:1.5"),
    _c("CL", "chile", "SA", -4, 0.8, "santiago:4,valparaiso:1"),
    _c("IN", "india", "AS", 5.5, 8, "mumbai:4,delhi:4,bangalore:3,chennai:2,hyderabad:2"),
    _c("JP", "japan", "AS", 9, 4, "tokyo:5,osaka:2,nagoya:1"),
    _c("KR", "south korea", "AS", 9, 2, "seoul:4,busan:1"),
    _c("ID", "indonesia", "AS", 7, 3, "jakarta:4,surabaya:1.5,bandung:1"),
    _c("PH", "philippines", "AS", 8, 2, "manila:4,cebu city:1"),
    _c("VN", "vietnam", "AS", 7, 1.5, "ho chi minh city:3,hanoi:2"),
    _c("SG", "singapore", "AS", 8, 1, "singapore:1"),
    _c("AE", "united arab emirates", "AS", 4, 1, "dubai:3,abu dhabi:1"),
    _c("TR", "turkey", "AS", 3, 1.5, "istanbul:4,ankara:1.5"),
    _c("NG", "nigeria", "AF", 1, 2.5, "lagos:4,abuja:1.5"),
    _c("EG", "egypt", "AF", 2, 1.5, "cairo:4,alexandria:1.5"),
    _c("ZA", "south africa", "AF", 2, 1.5, "johannesburg:3,cape town:2"),
    _c("KE", "kenya", "AF", 3, 1, "nairobi:4,mombasa:1"),
    _c("MA", "morocco", "AF", 1, 1, "casablanca:3,rabat:1.5"),
    _c("SN", "senegal", "AF", 0, 0.5, "dakar:1"),
    _c("AU", "australia", "AZ", 10, 2.5, "sydney:4,melbourne:3,brisbane:1.5,perth:1"),
    _c("NZ", "new zealand", "AZ", 12, 0.6, "auckland:3,wellington:1"),
    _c("AQ", "antarctica", "AN", 12, 0.02, "mcmurdo station:1"),
)


def country_names() -> dict[str, str]:
    """ISO alpha-2 code -> lowercase English name, for every country the simulator uses."""
    return {c.code: c.name for c in COUNTRIES}


# --- what viewers watch on ----------------------------------------------------------------

CONTINENT_SLOWNESS = {"EU": 1.0, "NA": 1.0, "AZ": 1.15, "SA": 1.35, "AS": 1.6, "AF": 1.9,
                      "AN": 2.5}  # fmt: skip
"""Factor on the median impression time (network distance to the CDN's edges)."""

DEVICE_SLOWNESS = {"computer": 1.0, "phone": 1.5, "tablet": 1.3, "tv": 1.8, "console": 1.4,
                   "unknown": 1.2}  # fmt: skip


@dataclass(frozen=True)
class Platform:
    """A kind of viewing device, with its OS, its clients and how common it is per continent."""

    device_type: str
    vendor: str
    model: str
    os_name: str
    os_shortname: str
    os_versions: tuple[str, ...]  # oldest first; newer ones are more common
    client_type: str
    clients: tuple[tuple[str, tuple[str, ...], float], ...]  # name, versions, share
    weights: tuple[float, float, float, float, float, float, float]  # per CONTINENT_ORDER

    @property
    def device(self) -> tuple[str, str, str, str, str]:
        return (self.device_type, self.vendor, self.model, self.os_name, self.os_shortname)


CONTINENT_ORDER = ("EU", "NA", "SA", "AS", "AF", "AZ", "AN")
_CHROME = ("129.0", "130.0", "131.0")
_WIN_BROWSERS = (("chrome", _CHROME, 0.62), ("edge", ("130.0", "131.0"), 0.24),
                 ("firefox", ("132.0", "133.0"), 0.09), ("opera", ("114.0",), 0.05))  # fmt: skip
_ANDROID_BROWSERS = (("chrome", _CHROME, 0.8), ("opera", ("85.1",), 0.08),
                     ("firefox", ("133.0",), 0.05),
                     ("samsung internet", ("26.0",), 0.07))  # fmt: skip
_ANDROID = ("12", "13", "14", "15")
_IOS = ("16.7", "17.6", "18.1", "18.2")
_EXOPLAYER = (("exoplayer", ("2.19.1", "1.4.1"), 1.0),)
_AVPLAYER = (("avplayer", ("17.6", "18.1"), 1.0),)

PLATFORMS: tuple[Platform, ...] = (
    Platform("computer", "unknown", "unknown", "windows", "WIN", ("10", "11"), "browser",
             _WIN_BROWSERS, (30, 28, 30, 22, 20, 26, 40)),
    Platform("computer", "apple", "macintosh", "mac osx", "MAC", ("13.6", "14.7", "15.1"),
             "browser", (("safari", ("17.6", "18.1"), 0.5), ("chrome", _CHROME, 0.42),
                         ("firefox", ("133.0",), 0.05), ("edge", ("131.0",), 0.03)),
             (10, 16, 4, 5, 2, 12, 20)),
    Platform("computer", "unknown", "unknown", "linux", "LIN", ("unknown",), "browser",
             (("chrome", _CHROME, 0.55), ("firefox", ("132.0", "133.0"), 0.45)),
             (2, 1.5, 2, 2, 1.5, 1.5, 10)),
    Platform("phone", "apple", "iphone", "ios", "IOS", _IOS, "browser",
             (("safari", ("17.6", "18.1"), 0.85), ("chrome", _CHROME, 0.15)),
             (11, 16, 6, 7, 4, 15, 5)),
    Platform("phone", "apple", "iphone", "ios", "IOS", _IOS, "mobile app", _AVPLAYER,
             (4, 6, 2, 3, 1.5, 5, 0)),
    Platform("phone", "samsung", "galaxy s24", "android", "AND", _ANDROID, "browser",
             _ANDROID_BROWSERS, (7, 5, 9, 8, 9, 4, 2)),
    Platform("phone", "xiaomi", "redmi note 13", "android", "AND", _ANDROID, "browser",
             _ANDROID_BROWSERS, (3, 0.5, 7, 11, 10, 1, 0)),
    Platform("phone", "google", "pixel 8", "android", "AND", _ANDROID, "browser",
             _ANDROID_BROWSERS, (2, 3, 1, 1, 0.5, 2, 2)),
    Platform("phone", "samsung", "galaxy a55", "android", "AND", _ANDROID, "mobile app",
             _EXOPLAYER, (3, 2, 6, 8, 10, 2, 0)),
    Platform("phone", "oppo", "a79", "android", "AND", _ANDROID, "browser",
             _ANDROID_BROWSERS, (0.5, 0, 3, 8, 6, 0.5, 0)),
    Platform("tablet", "apple", "ipad", "ios", "IOS", _IOS, "browser",
             (("safari", ("17.6", "18.1"), 1.0),), (4, 5, 2, 2, 1, 4, 2)),
    Platform("tablet", "samsung", "galaxy tab s9", "android", "AND", _ANDROID, "browser",
             (("chrome", _CHROME, 1.0),), (2, 1.5, 2, 2, 1.5, 1.5, 0)),
    Platform("tv", "samsung", "smart tv", "tizen", "TIZ", ("6.5", "7.0"), "browser",
             (("samsung internet", ("6.2",), 1.0),), (1, 1.5, 1, 0.5, 0.3, 1, 0)),
    Platform("tv", "lg", "webos tv", "webos", "WOS", ("6.0",), "browser",
             (("chrome", ("108.0",), 1.0),), (0.6, 0.8, 0.5, 0.3, 0.2, 0.5, 0)),
    Platform("console", "sony", "playstation 5", "playstation", "PS5", ("unknown",),
             "browser", (("playstation browser", ("unknown",), 1.0),),
             (0.2, 0.3, 0.2, 0.1, 0.05, 0.2, 0)),
    Platform("unknown", "unknown", "unknown", "unknown", "UNK", ("unknown",), "unknown",
             (("unknown", ("unknown",), 1.0),), (0.5, 0.5, 0.7, 0.8, 1, 0.5, 0)),
)  # fmt: skip


# --- where views come from ----------------------------------------------------------------


@dataclass(frozen=True)
class Referrer:
    """A referring page; weights per content kind: course, short, ad, live."""

    url: str
    medium: str
    source: str
    search_terms: tuple[str, ...]
    weights: tuple[float, float, float, float]


APP_REFERRER = Referrer("", "unknown", "unknown", ("unknown",), (0, 0, 0, 0))
REFERRERS: tuple[Referrer, ...] = (
    Referrer("https://learn.northwind-academy.com/courses", "unknown", "unknown", ("unknown",),
             (40, 1, 1, 8)),
    Referrer("https://learn.northwind-academy.com/dashboard", "unknown", "unknown",
             ("unknown",), (20, 0, 0, 6)),
    Referrer("https://www.dailyglobe-news.com/", "unknown", "unknown", ("unknown",),
             (2, 10, 30, 25)),
    Referrer("https://blog.pixelcraft.io/2025/12/year-in-review", "unknown", "unknown",
             ("unknown",), (3, 12, 8, 4)),
    Referrer("https://shop.brightgear.com/products/trail-runner-x", "paid",
             "https://google.com", ("unknown",), (0, 2, 25, 0)),
    Referrer("https://weather.skyline-media.net/forecast", "unknown", "unknown", ("unknown",),
             (0, 4, 15, 2)),
    Referrer("https://www.google.com/", "organic", "https://google.com",
             ("python tutorial", "learn spanish online", "short cooking videos", "unknown",
              "unknown", "live tech summit"), (12, 6, 2, 6)),
    Referrer("https://www.bing.com/", "organic", "https://bing.com",
             ("excel pivot tables course", "unknown"), (4, 2, 1, 1)),
    Referrer("https://www.facebook.com/", "social", "https://facebook.com", ("unknown",),
             (3, 14, 8, 5)),
    Referrer("https://t.co/k3Xr9Lp2Qa", "social", "https://twitter.com", ("unknown",),
             (1, 8, 3, 6)),
    Referrer("https://www.linkedin.com/feed/", "social", "https://linkedin.com", ("unknown",),
             (5, 1, 2, 4)),
)  # fmt: skip


# --- daily rhythm (local hour 0-23), per content kind: course, short, ad, live --------------

HOUR_PROFILES: tuple[tuple[float, ...], ...] = (
    (2, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 9, 11, 10, 8, 8, 9, 11, 13, 16, 18, 17, 12, 5),
    (5, 3, 2, 1, 1, 1, 2, 4, 5, 5, 5, 6, 8, 7, 6, 6, 7, 9, 12, 15, 18, 20, 19, 11),
    (2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 11, 10, 10, 10, 10, 11, 12, 13, 13, 12, 8, 4),
    (6, 5, 4, 4, 4, 4, 5, 6, 7, 7, 7, 8, 9, 9, 8, 8, 9, 10, 11, 13, 14, 13, 11, 8),
)  # fmt: skip
WEEKEND_FACTORS = (0.7, 1.25, 1.0, 1.1)


# --- catalogue vocabulary -----------------------------------------------------------------

COURSES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Python for Data Analysis", "python-data", ("python", "data", "programming")),
    ("Intro to Machine Learning", "intro-ml", ("machine-learning", "data", "ai")),
    ("Spanish for Travellers", "spanish-travel", ("languages", "spanish")),
    ("Web Accessibility Essentials", "a11y-essentials", ("web", "accessibility")),
    ("Product Photography at Home", "product-photo", ("photography", "ecommerce")),
    ("Personal Finance 101", "finance-101", ("finance", "money")),
    ("Kubernetes in Practice", "k8s-practice", ("devops", "kubernetes", "programming")),
    ("Watercolour Landscapes", "watercolour", ("art", "painting")),
    ("Excel Pivot Tables", "excel-pivots", ("excel", "data", "office")),
    ("Public Speaking Bootcamp", "public-speaking", ("communication", "career")),
)
LESSONS = (
    "Getting started", "Setting up your tools", "Core concepts", "A first hands-on exercise",
    "Common mistakes and how to avoid them", "Working with real data", "Project walkthrough",
    "Going further", "Quiz review", "Wrap-up and next steps",
)  # fmt: skip
LEVELS = ("beginner", "intermediate", "advanced")
INSTRUCTORS = ("Amina Diallo", "Lucas Moreau", "Priya Raman", "Kenji Sato", "Sofia Álvarez",
               "Hannah Becker")  # fmt: skip

SERIES: tuple[tuple[str, str, str], ...] = (
    ("60-second recipes", "recipes", "@quickbites"),
    ("Street food around the world", "street-food", "@streetplates"),
    ("Desk workout", "fitness", "@deskfit"),
    ("Gadget unboxing", "tech", "@unboxdaily"),
    ("Travel hacks", "travel", "@wanderlight"),
    ("Cat facts", "pets", "@whiskerfacts"),
)
SUBJECTS = (
    "in Bangkok", "in Lagos", "the crispy version", "for beginners", "under 5 euros",
    "that nobody tells you", "part 2", "the rainy day edition", "at the airport",
    "with only 3 ingredients", "the night market", "on a budget", "the office edition",
)  # fmt: skip

CAMPAIGNS: tuple[tuple[str, str, str], ...] = (
    ("Winter Sale", "winter-sale", "BrightGear"),
    ("Trail Runner X launch", "trail-runner-x", "BrightGear"),
    ("Spring Collection", "spring-collection", "Maison Lune"),
    ("Cloud Backup Promo", "cloud-backup", "Stratus Storage"),
    ("Summer Festival Tickets", "summer-fest", "Soundwave Events"),
)
PLACEMENTS = ("pre-roll", "mid-roll", "outstream")
LANGUAGES = ("en", "en", "en", "fr", "es", "de")

LIVE_NAMES: dict[str, tuple[str, ...]] = {
    "always": ("Lofi Study Radio 24/7", "Harbour Webcam (live)"),
    "now": ("Tech Summit: Main Stage", "Tech Summit: Workshop Room"),
    "daily": ("Daily Market Update", "Morning Yoga Live"),
    "weekly": ("Weekly Office Hours", "Friday Q&A with the Team"),
    "occasional": ("Product Launch Event", "Community Meetup"),
}

PLAYER_NAMES = ("Academy player", "Shorts player", "Ads player", "Live player",
                "Partner embed", "Minimal dark")  # fmt: skip
SESSION_PLANS = (("free", 0.6), ("premium", 0.3), ("team", 0.1))
