package genesyslake.genesys;

import genesyslake.config.Settings;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where an org's API and login servers are: from a region (region name or host domain) or explicit URLs. */
public record GenesysEndpoints(URI apiUrl, URI loginUrl) {

    /**
     * Genesys Cloud's regions: name (as the Genesys SDK names them) to host domain (API {@code api.<domain>}, login
     * {@code login.<domain>}). The list of the SDK 198's PureCloudRegionHosts, which only the tests and the stand-ins
     * carry now (GenesysEndpointsTest holds this table equal to it).
     */
    private static final Map<String, String> REGIONS = regions(
            "us_east_1", "mypurecloud.com",
            "eu_west_1", "mypurecloud.ie",
            "ap_southeast_2", "mypurecloud.com.au",
            "ap_northeast_1", "mypurecloud.jp",
            "eu_central_1", "mypurecloud.de",
            "us_west_2", "usw2.pure.cloud",
            "ca_central_1", "cac1.pure.cloud",
            "ap_northeast_2", "apne2.pure.cloud",
            "eu_west_2", "euw2.pure.cloud",
            "ap_south_1", "aps1.pure.cloud",
            "us_east_2", "use2.us-gov-pure.cloud",
            "sa_east_1", "sae1.pure.cloud",
            "me_central_1", "mec1.pure.cloud",
            "ap_northeast_3", "apne3.pure.cloud",
            "eu_central_2", "euc2.pure.cloud");

    /** Region name to host domain, in the SDK's order. */
    public static Map<String, String> regions() {
        return REGIONS;
    }

    /**
     * @param region   "mypurecloud.ie", "usw2.pure.cloud", or a region name such as "eu_west_1"
     * @param apiUrl   optional override of the API base URL
     * @param loginUrl optional override of the login base URL
     */
    public static GenesysEndpoints resolve(String region, String apiUrl, String loginUrl) {
        if (!blank(apiUrl) && !blank(loginUrl)) {
            return new GenesysEndpoints(URI.create(strip(apiUrl)), URI.create(strip(loginUrl)));
        }
        String domain = domainOf(region);
        URI api = blank(apiUrl) ? URI.create("https://api." + domain) : URI.create(strip(apiUrl));
        URI login = blank(loginUrl) ? URI.create("https://login." + domain) : URI.create(strip(loginUrl));
        return new GenesysEndpoints(api, login);
    }

    /**
     * Only regions Genesys has: a typo ("mypurecloud.cm") would otherwise surface minutes later as connection
     * errors after every retry. A region newer than this list is reached with genesys.api-url/login-url.
     */
    private static String domainOf(String region) {
        if (blank(region)) {
            throw new Settings.SettingsException("genesys.region", "is required (e.g. mypurecloud.com)");
        }
        String r = region.trim();
        for (Map.Entry<String, String> e : REGIONS.entrySet()) {
            if (e.getKey().equalsIgnoreCase(r.replace('-', '_')) || e.getValue().equalsIgnoreCase(r)) {
                return e.getValue();
            }
        }
        throw new Settings.SettingsException("genesys.region", "must be a Genesys Cloud region host ("
                + String.join(", ", REGIONS.values()) + ") or a region name such as eu_west_1, was '" + region
                + "' (for a region not listed, set genesys.api-url and genesys.login-url)");
    }

    private static Map<String, String> regions(String... nameThenDomain) {
        Map<String, String> regions = new LinkedHashMap<>();
        for (int i = 0; i < nameThenDomain.length; i += 2) {
            regions.put(nameThenDomain[i], nameThenDomain[i + 1]);
        }
        return Collections.unmodifiableMap(regions);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String strip(String url) {
        String u = url.trim();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }
}
