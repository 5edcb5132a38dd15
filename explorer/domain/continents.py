"""The continent of a country, as api.video's continent codes name them (GeoNames' continents;
`AZ` for Oceania, as api.video spells it). Raw statistics give a session's country as an
English name ("France"), the analytics filters as an ISO 3166 alpha-2 code: both are read.
Source: the GeoNames country list (https://www.geonames.org/countries/)."""

from __future__ import annotations

UNKNOWN = "(unknown)"

_TABLE = {
    "EU": "AD andorra|AL albania|AT austria|AX aland islands|BA bosnia and herzegovina|BE belgium|"
    "BG bulgaria|BY belarus|CH switzerland|CY cyprus|CZ czechia|DE germany|DK denmark|"
    "EE estonia|ES spain|FI finland|FO faroe islands|FR france|GB united kingdom|GG guernsey|"
    "GI gibraltar|GR greece|HR croatia|HU hungary|IE ireland|IM isle of man|IS iceland|IT italy|"
    "JE jersey|LI liechtenstein|LT lithuania|LU luxembourg|LV latvia|MC monaco|MD moldova|"
    "ME montenegro|MK north macedonia|MT malta|NL netherlands|NO norway|PL poland|PT portugal|"
    "RO romania|RS serbia|RU russia|SE sweden|SI slovenia|SJ svalbard and jan mayen|SK slovakia|"
    "SM san marino|UA ukraine|VA vatican city|XK kosovo",
    "AS": "AE united arab emirates|AF afghanistan|AM armenia|AZ azerbaijan|BD bangladesh|"
    "BH bahrain|BN brunei|BT bhutan|CN china|GE georgia|HK hong kong|ID indonesia|IL israel|"
    "IN india|IQ iraq|IR iran|JO jordan|JP japan|KG kyrgyzstan|KH cambodia|KP north korea|"
    "KR south korea|KW kuwait|KZ kazakhstan|LA laos|LB lebanon|LK sri lanka|MM myanmar|"
    "MN mongolia|MO macao|MV maldives|MY malaysia|NP nepal|OM oman|PH philippines|PK pakistan|"
    "PS palestine|QA qatar|SA saudi arabia|SG singapore|SY syria|TH thailand|TJ tajikistan|"
    "TL timor-leste|TM turkmenistan|TR turkey|TW taiwan|UZ uzbekistan|VN vietnam|YE yemen|"
    "IO british indian ocean territory",
    "AF": "AO angola|BF burkina faso|BI burundi|BJ benin|BW botswana|CD dr congo|"
    "CF central african republic|CG congo republic|CI ivory coast|CM cameroon|CV cabo verde|"
    "DJ djibouti|DZ algeria|EG egypt|EH western sahara|ER eritrea|ET ethiopia|GA gabon|GH ghana|"
    "GM gambia|GN guinea|GQ equatorial guinea|GW guinea-bissau|KE kenya|KM comoros|LR liberia|"
    "LS lesotho|LY libya|MA morocco|MG madagascar|ML mali|MR mauritania|MU mauritius|MW malawi|"
    "MZ mozambique|NA namibia|NE niger|NG nigeria|RE reunion|RW rwanda|SC seychelles|SD sudan|"
    "SH saint helena|SL sierra leone|SN senegal|SO somalia|SS south sudan|ST sao tome and principe|"
    "SZ eswatini|TD chad|TG togo|TN tunisia|TZ tanzania|UG uganda|YT mayotte|ZA south africa|"
    "ZM zambia|ZW zimbabwe",
    "NA": "AG antigua and barbuda|AI anguilla|AW aruba|BB barbados|BL saint barthelemy|BM bermuda|"
    "BQ bonaire, sint eustatius, and saba|BS bahamas|BZ belize|CA canada|CR costa rica|CU cuba|"
    "CW curacao|DM dominica|DO dominican republic|GD grenada|GL greenland|GP guadeloupe|"
    "GT guatemala|HN honduras|HT haiti|JM jamaica|KN st kitts and nevis|KY cayman islands|"
    "LC saint lucia|MF saint martin|MQ martinique|MS montserrat|MX mexico|NI nicaragua|PA panama|"
    "PM saint pierre and miquelon|PR puerto rico|SV el salvador|SX sint maarten|"
    "TC turks and caicos islands|TT trinidad and tobago|US united states|"
    "VC st vincent and grenadines|VG british virgin islands|VI u.s. virgin islands",
    "SA": "AR argentina|BO bolivia|BR brazil|CL chile|CO colombia|EC ecuador|FK falkland islands|"
    "GF french guiana|GY guyana|PE peru|PY paraguay|SR suriname|UY uruguay|VE venezuela",
    "AZ": "AS american samoa|AU australia|CK cook islands|FJ fiji|FM micronesia|GU guam|"
    "KI kiribati|MH marshall islands|MP northern mariana islands|NC new caledonia|"
    "NF norfolk island|NR nauru|NU niue|NZ new zealand|PF french polynesia|PG papua new guinea|"
    "PN pitcairn islands|PW palau|SB solomon islands|TK tokelau|TO tonga|TV tuvalu|"
    "UM u.s. outlying islands|"
    "VU vanuatu|WF wallis and futuna|WS samoa",
    "AN": "AQ antarctica|BV bouvet island|GS south georgia and the south sandwich islands|"
    "HM heard island and mcdonald islands|TF french southern territories",
}

_ALIASES = {  # other spellings of the names above
    "czech republic": "CZ",
    "russian federation": "RU",
    "united states of america": "US",
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
    "korea": "KR",
    "republic of korea": "KR",
    "viet nam": "VN",
    "côte d'ivoire": "CI",
    "cote d'ivoire": "CI",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "macedonia": "MK",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "burma": "MM",
    "türkiye": "TR",
    "turkiye": "TR",
    "holland": "NL",
    "the netherlands": "NL",
}


def _build() -> tuple[dict[str, str], dict[str, str]]:
    by_code: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for continent, entries in _TABLE.items():
        for entry in entries.split("|"):
            code, name = entry.split(" ", 1)
            by_code[code] = continent
            by_name[name] = continent
    for name, code in _ALIASES.items():
        by_name[name] = by_code[code]
    return by_code, by_name


_BY_CODE, _BY_NAME = _build()
_CODE_BY_NAME = {
    **{
        entry.split(" ", 1)[1]: entry.split(" ", 1)[0]
        for entries in _TABLE.values()
        for entry in entries.split("|")
    },
    **_ALIASES,
}


def continent_of(country: str | None) -> str:
    """`EU`, `NA`…, from a country's English name (any case) or ISO alpha-2 code; UNKNOWN when
    empty or not known."""
    text = (country or "").strip()
    if not text:
        return UNKNOWN
    if len(text) == 2 and text.upper() in _BY_CODE:
        return _BY_CODE[text.upper()]
    return _BY_NAME.get(text.casefold(), UNKNOWN)


CONTINENT_NAMES = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "AZ": "Oceania",
    "SA": "South America",
}
"""api.video's continent codes in words (`AZ` is Oceania: see the module docstring)."""


def country_code(country: str | None) -> str | None:
    """The ISO alpha-2 code of a country given by its code or English name (any case); None
    when empty or not known."""
    text = (country or "").strip()
    if len(text) == 2 and text.upper() in _BY_CODE:
        return text.upper()
    return _CODE_BY_NAME.get(text.casefold())
