"""/sitemap.xml and /robots.txt: the public pages for search engines (docs/api.md).

Only what a visitor may read is listed: the home page, the directory and each partner's record,
a page per commune of a territory, the public events and their pages, the published roadmaps
and their dashboards, the legal pages and the API's documentation."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from partners.models import Partner
from referents.communes import with_a_territory
from referents.models import Meeting
from roadmaps.models import Roadmap


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "partners:list",
            "roadmaps:list",
            "events:list",
            "communes:search",
            "api:api-root",
            "legal_notice",
            "privacy",
            "accessibility",
        ]

    def location(self, item):
        return reverse(item)


class PartnerSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Partner.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, partner):
        return partner.updated_at


class CommuneSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return with_a_territory().only("insee_code", "name").order_by("insee_code")

    def location(self, commune):
        return reverse("communes:detail", args=[commune.insee_code, commune.slug])


class EventSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return (
            Meeting.objects.public_upcoming()
            .only("title", "updated_at", "starts_at")
            .order_by("starts_at", "pk")
        )

    def location(self, meeting):
        return meeting.get_public_url()

    def lastmod(self, meeting):
        return meeting.updated_at


class RoadmapSitemap(Sitemap):
    """Each published roadmap (roadmaps/public.py) and its dashboard."""

    changefreq = "weekly"

    def items(self):
        roadmaps = Roadmap.objects.published().select_related("territory").order_by("pk")
        return [
            (roadmap, name)
            for roadmap in roadmaps
            for name in ("roadmaps:detail", "roadmaps:dashboard")
        ]

    def location(self, item):
        roadmap, name = item
        return reverse(name, args=[roadmap.territory.slug])

    def lastmod(self, item):
        return item[0].updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "partenaires": PartnerSitemap,
    "communes": CommuneSitemap,
    "evenements": EventSitemap,
    "feuilles-de-route": RoadmapSitemap,
}

# Member areas and the cancel links of registrations stay out of search engines; a member page
# a robot follows anyway only leads to the sign-in page. The sign-in and password pages stay
# crawlable: a page blocked by robots.txt is one search engines show without its description
# (and Lighthouse's SEO audit counts it against the page).
DISALLOWED = [
    "/admin/",
    "/territoire/",
    "/territoires/",
    "/entreprises/",
    "/referents/",
    "/evenements/annulation/",
]


def robots_txt(sitemap_url):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines += ["", f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)
