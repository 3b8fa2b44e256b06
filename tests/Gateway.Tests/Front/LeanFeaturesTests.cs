using Mesh.Gateway.Front;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Tests.Front;

/// <summary>A lean exchange's feature collection, reused by one context for request after request.</summary>
public sealed class LeanFeaturesTests
{
    [Fact]
    public void A_request_that_set_no_feature_leaves_the_collection_as_it_was_and_the_context_reads_the_exchange()
    {
        var exchange = new FakeExchange { Method = "GET" };
        var features = new LeanFeatures<FakeExchange>(exchange);
        var context = new DefaultHttpContext(features);
        Assert.Equal("GET", context.Request.Method);
        var revision = features.Revision;

        exchange.Method = "POST"; // The next request, parsed into the same exchange.
        features.ResetFor(context);

        Assert.Equal(revision, features.Revision);
        Assert.Equal("POST", context.Request.Method);
    }

    [Fact]
    public void What_a_request_set_is_gone_for_the_next_one()
    {
        var exchange = new FakeExchange { Method = "GET" };
        var features = new LeanFeatures<FakeExchange>(exchange);
        var context = new DefaultHttpContext(features);
        context.Items["seen"] = true;
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Method = "DELETE" });
        Assert.Equal("DELETE", context.Request.Method);

        features.ResetFor(context);

        Assert.Equal("GET", context.Request.Method);
        Assert.Same(exchange, features.Get<IHttpRequestFeature>());
        Assert.Null(features.Get<IItemsFeature>()); // Asked for through the context, Items would be a new, empty set.

        // And the request after that, which sets nothing, keeps what the context fetched.
        var revision = features.Revision;
        features.ResetFor(context);
        Assert.Equal(revision, features.Revision);
        Assert.Equal("GET", context.Request.Method);
    }

    private sealed class FakeExchange : HttpRequestFeature, IOwnFeatures
    {
        public static Type[] OwnFeatureTypes { get; } = [typeof(IHttpRequestFeature)];
    }
}
