using System.Diagnostics;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// A Mesh.AppHost process the test launches from beside the test assembly: the whole AppHost, or one of
/// its roles ("silo", "gateway") as the AppHost launches them. Its output is kept for failure messages.
/// </summary>
public sealed class MeshProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiting = [];

    private MeshProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it printed so far (stderr lines marked).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join("\n", _output);
            }
        }
    }

    /// <summary>Starts <c>dotnet Mesh.AppHost.dll ARGS</c>.</summary>
    public static MeshProcess Start(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppHostAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var mesh = new MeshProcess(process);
        process.OutputDataReceived += (_, e) => mesh.OnLine(e.Data, "");
        process.ErrorDataReceived += (_, e) => mesh.OnLine(e.Data, "stderr: ");
        process.Exited += (_, _) => mesh.OnExit();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return mesh;
    }

    /// <summary>The first line (printed before or after this call) that matches; fails if the process exits first.</summary>
    public Task<string> LineAsync(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.FirstOrDefault(match) is { } line)
            {
                seen.SetResult(line);
                return seen.Task;
            }
            _waiting.Add((match, seen));
        }
        if (_process.HasExited)
        {
            OnExit();
        }
        return seen.Task;
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(prefix + line);
            foreach (var waiter in _waiting.Where(w => prefix.Length == 0 && w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _waiting.Remove(waiter);
            }
        }
    }

    private void OnExit()
    {
        lock (_output)
        {
            foreach (var waiter in _waiting)
            {
                waiter.Seen.TrySetException(new InvalidOperationException($"The process exited first. Output:\n{string.Join("\n", _output)}"));
            }
            _waiting.Clear();
        }
    }

    /// <summary>SIGKILL: the process gets no chance to say goodbye to anyone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager or Ctrl-C stops it.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    /// <summary>Processes launched with "--parent-pid PID" (the children an AppHost, or a test, launched).</summary>
    public static List<int> ChildrenOf(int pid)
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
