package genesyslake.genesys;

import com.mypurecloud.sdk.v2.PureCloudRegionHosts;

import java.net.URI;
import java.util.Locale;

/** Where an org's API and login servers are: from a region (SDK region name or host domain) or explicit URLs. */
public record GenesysEndpoints(URI apiUrl, URI loginUrl) {

    /**
     * @param region   "mypurecloud.ie", "usw2.pure.cloud", or an SDK region name such as "eu_west_1"
     * @param apiUrl   optional override of the API base URL
     * @param loginUrl optional override of the login base URL
     */
    public static GenesysEndpoints resolve(String region, String apiUrl, String loginUrl) {
        String domain = domainOf(region);
        URI api = blank(apiUrl) ? URI.create("https://api." + domain) : URI.create(strip(apiUrl));
        URI login = blank(loginUrl) ? URI.create("https://login." + domain) : URI.create(strip(loginUrl));
        return new GenesysEndpoints(api, login);
    }

    private static String domainOf(String region) {
        if (blank(region)) {
            throw new IllegalArgumentException("Setting 'genesys.region' is required (e.g. mypurecloud.com)");
        }
        String r = region.trim();
        for (PureCloudRegionHosts host : PureCloudRegionHosts.values()) {
            if (host.name().equalsIgnoreCase(r.replace('-', '_'))) {
                return host.getApiHost().replaceFirst("^https://api\\.", "");
            }
        }
        if (!r.contains(".") || r.contains("/")) {
            throw new IllegalArgumentException("Setting 'genesys.region' must be a region host such as mypurecloud.ie "
                    + "or an SDK region name such as eu_west_1, was '" + region + "'");
        }
        return r.toLowerCase(Locale.ROOT);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String strip(String url) {
        String u = url.trim();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }
}
