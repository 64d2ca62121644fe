using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using MySaasChat.Testing;

namespace MySaasChat.Integration.Tests.Notifications;

/// <summary>
/// A real SMTP server for the tests: maildev from tests/tools (npm install there), started on free
/// loopback ports and stopped by killing the process this fixture started. Mail is read back
/// through its REST API.
/// </summary>
public sealed class Maildev : IAsyncLifetime
{
    private readonly string _mailDir = Path.Combine(Path.GetTempPath(), "mysaaschat-maildev", Guid.NewGuid().ToString("N"));
    private Process? _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public int SmtpPort { get; } = ProgramProcess.FreePort();
    public int WebPort { get; } = ProgramProcess.FreePort();

    public async Task InitializeAsync()
    {
        _http.BaseAddress = new Uri($"http://127.0.0.1:{WebPort}");
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        try { Directory.Delete(_mailDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Starts maildev (again) on the same ports and waits until both answer.</summary>
    public async Task StartAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "tools", "node_modules", "maildev", "bin", "maildev");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"maildev is not installed: run `npm install` in tests/tools ({script} is missing)");
        }
        Directory.CreateDirectory(_mailDir);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     script, "--smtp", SmtpPort.ToString(), "--web", WebPort.ToString(),
                     "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--mail-directory", _mailDir, "--silent",
                 })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"maildev exited with code {_process.ExitCode}");
            }
            if (await AcceptsAsync(SmtpPort) && await AcceptsAsync(WebPort)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("maildev did not start listening within 20 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Kills the maildev process this fixture started: the SMTP port refuses connections until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _process = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await AcceptsAsync(SmtpPort) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    public async Task<List<ReceivedEmail>> EmailsAsync() =>
        await _http.GetFromJsonAsync<List<ReceivedEmail>>("/email") ?? [];

    public async Task<List<ReceivedEmail>> EmailsToAsync(string address) =>
        (await EmailsAsync()).Where(e => e.To.Any(t => string.Equals(t.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MySaasChat.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (MySaasChat.slnx) above " + AppContext.BaseDirectory);
    }
}

public sealed record ReceivedEmail(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("html")] string? Html,
    [property: JsonPropertyName("messageId")] string? MessageId,
    [property: JsonPropertyName("to")] List<ReceivedAddress> To,
    [property: JsonPropertyName("from")] List<ReceivedAddress> From);

public sealed record ReceivedAddress(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("name")] string? Name);

[CollectionDefinition(Name)]
public sealed class MaildevCollection : ICollectionFixture<Maildev>
{
    public const string Name = "maildev";
}
