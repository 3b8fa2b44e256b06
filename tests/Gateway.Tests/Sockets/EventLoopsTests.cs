using Mesh.Gateway.Sockets;
using Mesh.Hosting;

namespace Mesh.Gateway.Tests.Sockets;

/// <summary>How many event loops a gateway runs: half the cores by default, or what --event-loops says.</summary>
public sealed class EventLoopsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(16, 8)]
    public void By_default_a_loop_runs_per_two_cores_and_at_least_one(int processors, int loops)
    {
        Assert.Equal(loops, EventLoops.DefaultCount(processors));
    }

    [Fact]
    public void The_flag_sets_the_count()
    {
        Assert.Equal(3, CommandLineOptions.Parse<GatewayOptions>(["--event-loops", "3"]).EventLoops);
        Assert.Null(CommandLineOptions.Parse<GatewayOptions>([]).EventLoops);
    }

    [Fact]
    public void Once_running_the_loops_keep_their_count()
    {
        if (!EventLoops.Supported)
        {
            return;
        }
        EventLoops.ForNewSocket(); // Starts them, if no other test has.
        var running = EventLoops.DefaultCount(Environment.ProcessorCount); // No test here sets another.
        Assert.Equal(running, EventLoops.Running);
        Assert.True(EventLoops.Configure(running));
        Assert.False(EventLoops.Configure(running + 1));
        var loopThreads = Directory.GetDirectories("/proc/self/task").Count(task => ThreadName(task).StartsWith("mesh loop", StringComparison.Ordinal));
        Assert.Equal(running, loopThreads);
    }

    /// <summary>A thread's name; empty for one that ended since its directory was listed.</summary>
    private static string ThreadName(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm"));
        }
        catch (IOException)
        {
            return "";
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void A_count_below_one_is_refused_with_the_flag_named(int loops)
    {
        var error = Assert.Throws<ArgumentException>(() => GatewayHost.Build(new GatewayOptions { Port = 0, AdminPort = 0, EventLoops = loops }));
        Assert.Contains("--event-loops", error.Message, StringComparison.Ordinal);
    }
}
