using System.Diagnostics;

namespace Mesh.AppHost.Orchestration;

/// <summary>
/// A silo or gateway launched as its own process from this same executable ("Mesh.AppHost silo ...").
/// Its output is passed on line by line with a prefix; it is told our PID so it exits if we die.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _readyLineSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _readyLine;

    private ChildProcess(string role, IEnumerable<string> args, string? readyLine)
    {
        _readyLine = readyLine;
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath ?? "dotnet",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under "dotnet Mesh.AppHost.dll" the process is dotnet itself and needs the assembly path.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }
        start.ArgumentList.Add(role);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add("--parent-pid");
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(role, e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(role, e.Data);
        _process.Exited += (_, _) =>
        {
            _readyLineSeen.TrySetException(new InvalidOperationException($"The {role} process exited with code {_process.ExitCode}."));
            _exited.TrySetResult();
        };
        Role = role;
    }

    public string Role { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the process has exited, for whatever reason.</summary>
    public Task Exited => _exited.Task;

    /// <summary>Completes when the child prints its ready line; fails if it exits first.</summary>
    public Task ReadyLineSeen => _readyLineSeen.Task;

    public static ChildProcess Start(string role, IEnumerable<string> args, string? readyLine = null)
    {
        var child = new ChildProcess(role, args, readyLine);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    private void OnLine(string role, string? line)
    {
        if (line is null)
        {
            return;
        }
        if (line == _readyLine)
        {
            _readyLineSeen.TrySetResult();
        }
        Console.Out.WriteLine($"{role,-7}| {line}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
