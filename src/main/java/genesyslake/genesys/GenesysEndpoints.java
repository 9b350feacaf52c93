package genesyslake.genesys;

import com.mypurecloud.sdk.v2.PureCloudRegionHosts;
import genesyslake.config.Settings;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where an org's API and login servers are: from a region (SDK region name or host domain) or explicit URLs. */
public record GenesysEndpoints(URI apiUrl, URI loginUrl) {

    /**
     * @param region   "mypurecloud.ie", "usw2.pure.cloud", or an SDK region name such as "eu_west_1"
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
     * errors after every retry. A region newer than the SDK's list is reached with genesys.api-url/login-url.
     */
    private static String domainOf(String region) {
        if (blank(region)) {
            throw new Settings.SettingsException("genesys.region", "is required (e.g. mypurecloud.com)");
        }
        String r = region.trim();
        for (PureCloudRegionHosts host : PureCloudRegionHosts.values()) {
            String domain = domain(host);
            if (host.name().equalsIgnoreCase(r.replace('-', '_')) || domain.equalsIgnoreCase(r)) {
                return domain;
            }
        }
        throw new Settings.SettingsException("genesys.region", "must be a Genesys Cloud region host ("
                + Arrays.stream(PureCloudRegionHosts.values()).map(GenesysEndpoints::domain).collect(Collectors.joining(", "))
                + ") or an SDK region name such as eu_west_1, was '" + region + "' (for a region not listed, set "
                + "genesys.api-url and genesys.login-url)");
    }

    private static String domain(PureCloudRegionHosts host) {
        return host.getApiHost().replaceFirst("^https://api\\.", "").toLowerCase(Locale.ROOT);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String strip(String url) {
        String u = url.trim();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }
}
