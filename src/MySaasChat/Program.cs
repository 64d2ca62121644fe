using MySaasChat;
using MySaasChat.Hosting;

return await Cli.RunAsync(args);

namespace MySaasChat
{
    public static class Cli
    {
        private const string Usage = """
            mysaaschat - self-hostable AI chat

            Usage:
              mysaaschat serve [--target all|auth|chat|billing|analytics|notifications|orchestrator] [--port N]
              mysaaschat migrate [--target T]     apply database migrations of the target's modules
              mysaaschat health [--port N] [--url URL]
                                                  ask a running instance for /health/detailed; exit 0 when healthy
              mysaaschat notify test --to ADDRESS
                                                  send a test email through SMTP_HOST (or into DATA_DIR/mail)
              mysaaschat help

            Settings come from environment variables (see .env.example). Without any, `serve` runs
            every module on the embedded defaults (SQLite, in-memory cache and bus) on port 8080.
            """;

        public static async Task<int> RunAsync(string[] args)
        {
            var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
            var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
            try
            {
                if (command == "notify")
                {
                    var env = new ConfigurationBuilder().AddEnvironmentVariables().Build();
                    return await MySaasChat.Modules.Notifications.NotifyCommand.RunAsync(rest, env, Console.Out, Console.Error);
                }
                var (target, port, url) = ParseFlags(rest);
                switch (command)
                {
                    case "serve":
                    {
                        await using var app = MySaasChatApp.Build(new AppArguments { Target = target, Port = port });
                        await MySaasChatApp.PrepareAsync(app);
                        await app.RunAsync();
                        return 0;
                    }
                    case "migrate":
                    {
                        await using var app = MySaasChatApp.Build(new AppArguments { Target = target, Port = port });
                        var options = app.Services.GetRequiredService<PlatformOptions>();
                        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MySaasChat.Migrate");
                        await Persistence.MigrateAllAsync(app.Services, options, logger, CancellationToken.None);
                        Console.WriteLine($"migrations applied for target '{options.Target}'");
                        return 0;
                    }
                    case "health":
                        return await HealthCommand(port, url);
                    case "help" or "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    default:
                        Console.Error.WriteLine($"mysaaschat: unknown command '{command}'\n\n{Usage}");
                        return 64;
                }
            }
            catch (SettingsException ex)
            {
                Console.Error.WriteLine($"mysaaschat: configuration error: {ex.Message}");
                return 78;
            }
            catch (StartupException ex)
            {
                Console.Error.WriteLine($"mysaaschat: cannot start: {ex.Message}");
                return 1;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"mysaaschat: {ex.Message}\n\n{Usage}");
                return 64;
            }
        }

        private static (string? Target, int? Port, string? Url) ParseFlags(string[] args)
        {
            string? target = null, url = null;
            int? port = null;
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--target" or "-t": target = Next(); break;
                    case "--port" or "-p":
                        port = int.TryParse(Next(), out var p) && p is > 0 and < 65536 ? p : throw new ArgumentException("--port must be a number from 1 to 65535");
                        break;
                    case "--url": url = Next(); break;
                    default:
                        if (args[i].StartsWith("--target=", StringComparison.Ordinal)) target = args[i]["--target=".Length..];
                        else throw new ArgumentException($"unknown option '{args[i]}'");
                        break;
                }
            }
            return (target, port, url);
        }

        /// <summary>For container health checks: exit 0 when /health/detailed answers 200.</summary>
        private static async Task<int> HealthCommand(int? port, string? url)
        {
            var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var options = PlatformOptions.Load(config, portArg: port);
            url ??= $"http://127.0.0.1:{options.Port}/health/detailed";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            try
            {
                using var response = await http.GetAsync(url);
                Console.WriteLine(await response.Content.ReadAsStringAsync());
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"mysaaschat: {url} did not answer: {ex.Message}");
                return 1;
            }
        }
    }
}
