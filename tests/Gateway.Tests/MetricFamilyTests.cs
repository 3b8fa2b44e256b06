using System.Text;
using Mesh.Hosting.Metrics;

namespace Mesh.Gateway.Tests;

public class MetricFamilyTests
{
    [Fact]
    public void Equal_label_values_from_different_strings_share_one_series()
    {
        var family = new CounterFamily("requests_total", "Requests.", "service", "code");
        var first = family.WithLabels(new LabelValues("ns/a", "2xx"));
        var copy = family.WithLabels(new LabelValues(new string("ns/a".AsSpan()), new string("2xx".AsSpan())));
        Assert.Same(first, copy);
    }

    [Fact]
    public void Alternating_label_values_keep_their_own_series()
    {
        var family = new CounterFamily("requests_total", "Requests.", "service", "code");
        for (var i = 0; i < 5; i++)
        {
            family.WithLabels(new LabelValues("ns/a", "2xx")).Add();
            family.WithLabels(new LabelValues("ns/a", "5xx")).Add(2);
            family.WithLabels(new LabelValues("ns/a", "2xx")).Add();
        }
        var text = new StringBuilder();
        family.Render(text);
        Assert.Contains("requests_total{service=\"ns/a\",code=\"2xx\"} 10\n", text.ToString());
        Assert.Contains("requests_total{service=\"ns/a\",code=\"5xx\"} 10\n", text.ToString());
    }
}
