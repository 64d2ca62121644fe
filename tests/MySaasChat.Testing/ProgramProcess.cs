using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MySaasChat.Testing;

/// <summary>The built program run as its own process, the way an operator runs it.</summary>
public sealed class ProgramProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ProgramProcess(Process process, int port, string dataDir)
    {
        _process = process;
        Port = port;
        DataDir = dataDir;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }
    public string DataDir { get; }
    public Uri BaseAddress { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MySaasChat.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The program's own build output, in the configuration the tests were built in.</summary>
    public static string ProgramDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var dll = Path.Combine(RepositoryRoot, "src", "MySaasChat", "bin", configuration, "net10.0", "mysaaschat.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build the program first", dll);
        }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static ProcessStartInfo StartInfo(string[] args, IDictionary<string, string?> env, string dataDir)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ProgramDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Start from a clean slate: nothing of the test runner's own settings leaks into the program.
        foreach (var name in new[] { "DATABASE_URL", "POSTGRES_HOST", "REDIS_URL", "RABBITMQ_URL", "TARGET", "PORT", "JWT_SECRET" })
        {
            psi.Environment.Remove(name);
        }
        psi.Environment["DATA_DIR"] = dataDir;
        psi.Environment["LOG_LEVEL"] = "warn";
        psi.Environment["BIND_ADDRESS"] = "127.0.0.1";
        foreach (var (k, v) in env)
        {
            if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        }
        return psi;
    }

    public static ProgramProcess Start(IDictionary<string, string?> env, params string[] args)
    {
        var port = FreePort();
        var dataDir = Path.Combine(Path.GetTempPath(), "mysaaschat-tests", Guid.NewGuid().ToString("N"));
        var psi = StartInfo(["serve", "--port", port.ToString(), .. args], env, dataDir);
        var process = new Process { StartInfo = psi };
        var running = new ProgramProcess(process, port, dataDir);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (running._output) running._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (running._output) running._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Runs a command of the program to its end: exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IDictionary<string, string?> env, TimeSpan timeout, params string[] args)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mysaaschat-tests", Guid.NewGuid().ToString("N"));
        using var process = new Process { StartInfo = StartInfo(args, env, dataDir) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mysaaschat {string.Join(' ', args)} did not exit within {timeout}: {await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    public async Task<HttpResponseMessage> WaitForAsync(string path, HttpStatusCode status, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        HttpResponseMessage? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the program exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                last = await http.GetAsync(path);
                if (last.StatusCode == status) return last;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{path} did not answer {status} within {timeout} (last: {last?.StatusCode}; body: {(last is null ? "" : await last.Content.ReadAsStringAsync())})\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(DataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
