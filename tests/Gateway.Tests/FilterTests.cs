using Mesh.Gateway.Filters;
using Mesh.Gateway.Forwarding;
using Mesh.Grains.Model;

namespace Mesh.Gateway.Tests;

public class FilterTests
{
    [Theory]
    [InlineData("/foo", "/foo/bar", "/xyz", "/xyz/bar")]
    [InlineData("/foo", "/foo/bar", "/xyz/", "/xyz/bar")]
    [InlineData("/foo/", "/foo/bar", "/xyz", "/xyz/bar")]
    [InlineData("/foo/", "/foo/bar", "/xyz/", "/xyz/bar")]
    [InlineData("/foo", "/foo", "/xyz", "/xyz")]
    [InlineData("/foo", "/foo/", "/xyz", "/xyz/")]
    [InlineData("/foo", "/foo", "", "/")]
    [InlineData("/foo", "/foo/", "", "/")]
    [InlineData("/foo", "/foo/bar", "/", "/bar")]
    [InlineData("/", "/foo/bar", "/xyz", "/xyz/foo/bar")]
    public void ReplacePrefixMatch_swaps_whole_segments(string prefix, string path, string replacement, string expected)
    {
        var modifier = new PathModifier(new HttpPathModifier { Type = "ReplacePrefixMatch", ReplacePrefixMatch = replacement }, prefix);
        Assert.Equal(expected, modifier.Apply(path));
    }

    [Theory]
    [InlineData("/foo", "/%66oo/bar", "/xyz/bar")]
    [InlineData("/foo", "/%66oo/a%20b", "/xyz/a%20b")]
    [InlineData("/foo", "/a/../foo/bar", "/xyz/bar")]
    [InlineData("/foo", "/a/%2e%2E/foo/bar", "/xyz/bar")]
    [InlineData("/foo", "/foo/./bar/", "/xyz/bar/")]
    [InlineData("/foo", "/foo/bar/..", "/xyz/")]
    [InlineData("/foo/bar", "/foo/b%61r/baz.txt", "/xyz/baz.txt")]
    [InlineData("/foo", "/foo/...", "/xyz/...")]
    public void ReplacePrefixMatch_replaces_the_segments_the_decoded_path_matched(string prefix, string raw, string expected)
    {
        // Routes match the decoded path ("/%66oo" is "/foo", "/a/../foo" is "/foo"); the path sent on is the raw one.
        var modifier = new PathModifier(new HttpPathModifier { Type = "ReplacePrefixMatch", ReplacePrefixMatch = "/xyz" }, prefix);
        Assert.Equal(expected, modifier.Apply(raw));
    }

    [Theory]
    [InlineData("/a/b/../c", "/a/c")]
    [InlineData("/..", "/")]
    [InlineData("/./", "/")]
    [InlineData("/a/%2E/b", "/a/b")]
    [InlineData("/a/.%2e/b", "/b")]
    [InlineData("/a/..b/c", "/a/..b/c")]
    [InlineData("/a/%2E%2E%2E", "/a/%2E%2E%2E")]
    public void Dot_segments_go_from_a_raw_path_as_the_decoded_path_lost_them(string raw, string expected) =>
        Assert.Equal(expected, RawPath.WithoutDotSegments(raw));

    [Fact]
    public void A_redirect_to_an_IPv6_authority_keeps_its_brackets()
    {
        var redirect = new RequestRedirect(new HttpRequestRedirectFilter { Path = new HttpPathModifier { Type = "ReplaceFullPath", ReplaceFullPath = "/new" } }, "/");

        Assert.Equal("http://[fd00::1]:8080/new?q", redirect.Location("http", "fd00::1", 8080, "/old", "?q"));
        Assert.Equal("http://[fd00::1]/new", redirect.Location("http", "fd00::1", 80, "/old", ""));
    }

    [Theory]
    [InlineData("/one", "/one")]
    [InlineData("", "/")] // A request target is never empty.
    [InlineData(null, "/")]
    public void ReplaceFullPath_replaces_the_whole_path(string? replacement, string expected)
    {
        var modifier = new PathModifier(new HttpPathModifier { Type = "ReplaceFullPath", ReplaceFullPath = replacement }, "/foo");
        Assert.Equal(expected, modifier.Apply("/foo/bar/baz"));
    }

    [Theory]
    [InlineData(null, null, null, 8080, "http://echo:8080/p?q=1")]
    [InlineData(null, null, null, 80, "http://echo/p?q=1")]
    [InlineData("https", null, null, 8080, "https://echo/p?q=1")]
    [InlineData("https", null, 8443, 80, "https://echo:8443/p?q=1")]
    [InlineData(null, "example.org", null, 80, "http://example.org/p?q=1")]
    [InlineData(null, null, 443, 80, "http://echo:443/p?q=1")]
    [InlineData("http", null, null, 8080, "http://echo/p?q=1")]
    public void Redirect_locations_follow_the_port_rules(string? scheme, string? hostname, int? port, int requestPort, string expected)
    {
        var redirect = new RequestRedirect(new HttpRequestRedirectFilter { Scheme = scheme, Hostname = hostname, Port = port }, "/");
        Assert.Equal(expected, redirect.Location("http", "echo", requestPort, "/p", "?q=1"));
        Assert.Equal(302, redirect.StatusCode);
    }

    [Fact]
    public void Redirect_paths_use_the_path_modifier_against_the_matched_prefix()
    {
        var redirect = new RequestRedirect(new HttpRequestRedirectFilter
        {
            StatusCode = 301,
            Path = new HttpPathModifier { Type = "ReplacePrefixMatch", ReplacePrefixMatch = "/replacement-prefix" },
        }, "/original-prefix");

        Assert.Equal("http://echo/replacement-prefix/lemon", redirect.Location("http", "echo", 80, "/original-prefix/lemon", ""));
        Assert.Equal(301, redirect.StatusCode);
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    public void Timeouts_parse_Gateway_API_durations(string text, int milliseconds)
    {
        var policy = TimeoutPolicy.From(new HttpRouteTimeouts { Request = text });
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), policy.Request);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("10")]
    [InlineData("1.5s")]
    [InlineData("-1s")]
    public void Zero_or_invalid_durations_mean_no_timeout(string text) =>
        Assert.Null(TimeoutPolicy.From(new HttpRouteTimeouts { Request = text }).Request);

    [Fact]
    public void Retry_backoff_doubles_up_to_a_cap()
    {
        var retry = RetryPolicy.From(new HttpRouteRetry { Attempts = 3, Codes = [503], Backoff = "100ms" })!;

        Assert.Equal([100, 200, 400], new[] { 1, 2, 3 }.Select(n => retry.BackoffBefore(n).TotalMilliseconds));
        Assert.True(retry.RetriesStatus(503));
        Assert.False(retry.RetriesStatus(500));
        Assert.Null(RetryPolicy.From(new HttpRouteRetry { Attempts = 0 }));
    }
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("10s", 10_000)]
    [InlineData("3s", 10_000)]
    public void Retry_backoff_is_never_cut_below_the_configured_minimum(string backoff, int tenthPauseMilliseconds)
    {
        var retry = RetryPolicy.From(new HttpRouteRetry { Attempts = 12, Codes = [503], Backoff = backoff })!;
        var configured = TimeSpan.FromMilliseconds(int.Parse(backoff.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture) * 1000);

        Assert.All(Enumerable.Range(1, 12), n => Assert.True(retry.BackoffBefore(n) >= configured));
        Assert.Equal(tenthPauseMilliseconds, retry.BackoffBefore(10).TotalMilliseconds);
    }

    [Fact]
    public void The_longest_durations_wait_as_long_as_a_timer_can()
    {
        // 99999h is a valid duration; .NET's timers take at most about 49.7 days.
        var retry = RetryPolicy.From(new HttpRouteRetry { Attempts = 40, Codes = [503], Backoff = "99999h" })!;

        Assert.All(Enumerable.Range(1, 40), n => Assert.Equal(TimeoutPolicy.LongestTimer, retry.BackoffBefore(n)));
        Assert.Equal(TimeoutPolicy.LongestTimer, TimeoutPolicy.From(new HttpRouteTimeouts { Request = "99999h", BackendRequest = "1200h" }).Request);
        Assert.Equal(TimeoutPolicy.LongestTimer, TimeoutPolicy.From(new HttpRouteTimeouts { BackendRequest = "1200h" }).BackendRequest);
        Assert.Equal(TimeSpan.FromHours(1000), TimeoutPolicy.From(new HttpRouteTimeouts { Request = "1000h" }).Request);
    }
}
