"""How close a source stands to what it reports: its kind, and the sites whose own pages
are primary sources. Declared once: the record checks, the Data quality page and
data/README.md read these. A leaf module.
"""

from __future__ import annotations

#: How close a source stands to what it reports (``kind`` on a source; see data/README.md).
#: A source with no ``kind`` is primary when its site is one of :data:`PRIMARY_DOMAINS`
#: (or a government domain, :data:`PRIMARY_SUFFIXES`), else secondary.
SOURCE_KINDS: dict[str, str] = {
    "primary": "Primary: the lender, government, company or multilateral bank itself",
    "secondary": "Secondary: press, databases, research",
    "repost": "Repost: another source's text published again (not independent)",
}

#: The sites whose own pages are primary sources: lenders and export-credit agencies,
#: multilateral banks, governments and the companies that build or run the projects.
#: Keys are registrable domains (``jica.go.jp`` covers ``www.jica.go.jp``); a repost of
#: their text on another site is not primary. Declared once: the Data quality page,
#: ``ca-atlas`` and data/README.md read this list.
PRIMARY_DOMAINS: dict[str, str] = {
    # lenders, export-credit agencies and donors
    "jica.go.jp": "lender", "jbic.go.jp": "lender", "nexi.go.jp": "lender",
    "opecfund.org": "lender", "kuwait-fund.org": "lender", "adfd.ae": "lender",
    # multilateral banks and programmes
    "adb.org": "multilateral", "aiib.org": "multilateral", "ebrd.com": "multilateral",
    "eib.org": "multilateral", "worldbank.org": "multilateral", "ifc.org": "multilateral",
    "isdb.org": "multilateral", "carecprogram.org": "multilateral",
    "eabr.org": "multilateral", "undp.org": "multilateral",
    # governments (besides PRIMARY_SUFFIXES)
    "adilet.zan.kz": "government", "medt.tj": "government", "kppf.kz": "government",
    "president.uz": "government", "akorda.kz": "government", "mfa.tj": "government",
    # companies that build, own or run the projects
    "sojitz.com": "company", "mitsubishicorp.com": "company", "marubeni.com": "company",
    "itochu.co.jp": "company", "sumitomocorp.com": "company", "mitsui.com": "company",
    "toyota-tsusho.com": "company", "zijinmining.com": "company", "masdar.ae": "company",
    "acwapower.com": "company", "andritz.com": "company", "cnpc.com.cn": "company",
    "agmk.uz": "company", "uzeng.uz": "company", "uzgtl.com": "company",
    "bsgp.kz": "company", "ctii.co.jp": "company", "kazatomprom.kz": "company",
    "jgc.com": "company", "chiyodacorp.com": "company", "railway.uz": "company",
    "khorgosgateway.com": "company", "atommedia.online": "company", "gopa.eu": "company",
    "sgcc.uz": "company", "bnpz.uz": "company",
}

#: Host name endings of government sites: every page under them is primary.
PRIMARY_SUFFIXES: tuple[str, ...] = (
    ".go.jp", ".gov.uz", ".gov.kz", ".gov.kg", ".gov.tj", ".gov.tm", ".gov.cn", ".go.kr",
    ".gov.sa", ".gov",
)
