using System.Diagnostics;
using System.Text.RegularExpressions;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The AppHost as a newcomer runs it: one process that starts everything, prints "mesh ready", routes
/// the demo, and on SIGTERM leaves no process behind.
/// </summary>
public sealed partial class AppHostProcessTests
{
    [Fact]
    public async Task Starts_the_whole_mesh_prints_mesh_ready_serves_the_demo_and_stops_cleanly()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppHostAssembly());
        foreach (var arg in new[] { "--api-port", "0", "--silo-port", "0", "--gateway-port", "0", "--gateway-admin-port", "0", "--pod-network", "127.1.5.0", "--service-network", "127.2.5.0" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = new List<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.Add(e.Data);
            }
            if (e.Data == "mesh ready")
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.Add("stderr: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(120));
            string log;
            lock (output)
            {
                log = string.Join("\n", output);
            }
            var api = new Uri(ApiLine().Match(log).Groups[1].Value);
            var gateway = new Uri(GatewayLine().Match(log).Groups[1].Value);

            using var kube = new KubeApi(api);
            using var client = new PodClient(gateway, await kube.DeploymentPodAsync("slow-clients", "slow-client"));
            var response = await client.EchoAsync("http://smiley.faces/");
            Assert.Equal(200, response.Status);
            Assert.StartsWith("smiley-v", response.Pod);

            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await term.WaitForExitAsync();
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await Eventually.HoldsAsync(() => Task.FromResult(ChildrenOf(process.Id)), children => children.Count == 0,
                "no silo or gateway process outlives the AppHost", TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            lock (output)
            {
                throw new InvalidOperationException($"{e.Message}\nAppHost output:\n{string.Join("\n", output)}", e);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Processes launched with "--parent-pid PID" (the AppHost's children).</summary>
    private static List<int> ChildrenOf(int pid)
    {
        var marker = $"--parent-pid\0{pid}\0";
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var candidate))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(candidate);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    private static string AppHostAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "Mesh.AppHost.dll");
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "Mesh.AppHost.runtimeconfig.json")))
        {
            return beside;
        }
        throw new FileNotFoundException("Mesh.AppHost.runtimeconfig.json is not beside the tests; the AppHost cannot be launched.");
    }

    [GeneratedRegex(@"local Kubernetes API on (\S+)")]
    private static partial Regex ApiLine();

    [GeneratedRegex(@"gateway on (\S+)")]
    private static partial Regex GatewayLine();
}
