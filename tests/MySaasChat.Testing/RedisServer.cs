using System.Diagnostics;

namespace MySaasChat.Testing;

/// <summary>A Redis of the test's own on a free loopback port, so a test can stop it without touching shared servers.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mysaaschat-redis", Guid.NewGuid().ToString("N"));

    public int Port { get; } = ProgramProcess.FreePort();
    public string Url => $"redis://127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_dir);
        await Run("redis-server", ["--daemonize", "yes", "--bind", "127.0.0.1", "--port", Port.ToString(), "--dir", _dir,
            "--pidfile", Path.Combine(_dir, "redis.pid"), "--logfile", Path.Combine(_dir, "redis.log"), "--save", "", "--appendonly", "no"]);
        await Eventually.TrueAsync(async () => (await Run("redis-cli", ["-p", Port.ToString(), "ping"], allowFailure: true)).Contains("PONG"),
            TimeSpan.FromSeconds(10), $"redis on {Port} to answer");
    }

    public async Task StopAsync()
    {
        await Run("redis-cli", ["-p", Port.ToString(), "shutdown", "nosave"], allowFailure: true);
        await Eventually.TrueAsync(async () => !(await Run("redis-cli", ["-p", Port.ToString(), "ping"], allowFailure: true)).Contains("PONG"),
            TimeSpan.FromSeconds(10), $"redis on {Port} to stop");
    }

    private static async Task<string> Run(string file, string[] args, bool allowFailure = false)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0 && !allowFailure) throw new InvalidOperationException($"{file} failed: {output}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
