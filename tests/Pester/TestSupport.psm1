<#
    Shared by the Pester suites (tests/*.Tests.ps1): where the staged module and the simulator are, starting
    and reading the device simulator, and starting further real pwsh processes. Loopback only.
#>

$script:Repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent

function Get-RepoRoot { $script:Repo }

function Get-GasleserManifest { Join-Path $script:Repo 'out/Gasleser/Gasleser.psd1' }

# Only a user's own commands write into the user's private folder (slot files, known devices for tab completion):
# a suite's process and the pwsh processes it starts keep theirs here, apart from the user's.
$script:PrivateFolder = Join-Path ([IO.Path]::GetTempPath()) "gasleser-pester-$PID"

function Use-TestPrivateFolder {
    <# Points the imported module at this suite's private folder; call it right after importing the module. #>
    [Gasleser.InternalHooks]::SetTestHook('PrivateFolder', $script:PrivateFolder)
}

function Get-TestPrivateFolder { $script:PrivateFolder }

function Get-PwshCommand {
    <# The command line that starts this same pwsh: under 'dotnet pwsh' the process is dotnet itself. #>
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { , @($exe, (Join-Path $PSHOME 'pwsh.dll')) }
    else { , @($exe) }
}

function Get-FreePort {
    <# A port no simulator of this run uses yet: random in a range the OS does not hand out on its own. #>
    Get-Random -Minimum 20000 -Maximum 30000
}

function Start-GasleserSimulator {
    <#
        Starts the simulator as a separate process serving -Device ('127.0.0.1:PORT' or '127.0.0.1:PORT=FAULT', ...)
        and waits until it listens. The returned object's Log holds one line per request the devices saw.
    #>
    param([Parameter(Mandatory)] [string[]] $Device, [string] $LogFolder = [IO.Path]::GetTempPath())

    $dll = Join-Path $script:Repo 'src/Gasleser.Simulator/bin/Debug/net10.0/Gasleser.Simulator.dll'
    if (-not (Test-Path $dll)) {
        $dll = Get-ChildItem (Join-Path $script:Repo 'src/Gasleser.Simulator/bin') -Recurse -Filter Gasleser.Simulator.dll |
            Sort-Object LastWriteTime | Select-Object -Last 1 -ExpandProperty FullName
    }
    if (-not $dll) { throw 'Build first (dotnet build): the simulator is not built.' }

    $name = 'simulator-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    $log = Join-Path $LogFolder "$name.log"
    $process = Start-Process dotnet -ArgumentList (@($dll) + $Device) -PassThru `
        -RedirectStandardOutput $log -RedirectStandardError (Join-Path $LogFolder "$name.err")
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not ((Test-Path $log) -and (Select-String -Path $log -Pattern 'Ctrl\+C stops' -Quiet))) {
        if ([DateTime]::UtcNow -gt $deadline -or $process.HasExited) {
            throw "The simulator did not start: $(Get-Content $log -Raw -ErrorAction SilentlyContinue) $(Get-Content (Join-Path $LogFolder "$name.err") -Raw -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{ Process = $process; Log = $log; Device = $Device }
}

function Stop-GasleserSimulator {
    param([Parameter(ValueFromPipeline)] $Simulator)
    process {
        if ($Simulator -and -not $Simulator.Process.HasExited) {
            Stop-Process -Id $Simulator.Process.Id -ErrorAction SilentlyContinue
            $Simulator.Process.WaitForExit(5000) | Out-Null
        }
    }
}

function Get-SimulatorRequest {
    <#
        The requests a simulated device saw, in order: Time (local time of day, as logged), Status.
        The simulator logs each as "HH:mm:ss.fff ADDRESS:PORT GAS_... GET /v1/data -> STATUS".
    #>
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)] [int] $Port, [string] $Address = '127.0.0.1')

    $pattern = '^(\d\d:\d\d:\d\d\.\d{3}) ' + [regex]::Escape("${Address}:$Port") + ' .* -> (\d+)'
    foreach ($line in (Get-Content $Simulator.Log)) {
        if ($line -match $pattern) {
            [pscustomobject]@{ Time = [TimeSpan]::ParseExact($Matches[1], 'hh\:mm\:ss\.fff', $null); Status = [int]$Matches[2] }
        }
    }
}

function Get-SimulatorStatus {
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)] [int] $Port, [string] $Address = '127.0.0.1')
    Get-SimulatorRequest @PSBoundParameters | ForEach-Object Status
}

function Get-RequestGap {
    <# Seconds between consecutive requests a device saw. #>
    param([Parameter(Mandatory)] $Simulator, [Parameter(Mandatory)] [int] $Port, [string] $Address = '127.0.0.1')
    $times = @(Get-SimulatorRequest @PSBoundParameters | ForEach-Object Time)
    for ($i = 1; $i -lt $times.Count; $i++) { ($times[$i] - $times[$i - 1]).TotalSeconds }
}

function Start-PwshProcess {
    <#
        Starts a separate real pwsh process that imports the staged module and runs -Command; its output
        goes to files. Returns an object with Process, Out and Err (file paths). Pair with Wait-PwshProcess.
    #>
    param([Parameter(Mandatory)] [string] $Command, [string] $Culture, [string] $LogFolder = [IO.Path]::GetTempPath())

    $name = 'pwsh-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
    $script = Join-Path $LogFolder "$name.ps1"
    $prologue = "`$ErrorActionPreference = 'Continue'; `$ProgressPreference = 'SilentlyContinue'`n"
    if ($Culture) { $prologue += "[cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo('$Culture')`n" }
    $prologue += "Import-Module '$(Get-GasleserManifest)' -ErrorAction Stop`n"
    $prologue += "[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '$script:PrivateFolder')`n"
    Set-Content -Path $script -Value ($prologue + $Command) -Encoding utf8
    $pwsh = Get-PwshCommand
    $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script)
    $out = Join-Path $LogFolder "$name.out"
    $err = Join-Path $LogFolder "$name.err"
    $process = Start-Process $pwsh[0] -ArgumentList $arguments -PassThru -RedirectStandardOutput $out -RedirectStandardError $err
    [pscustomobject]@{ Process = $process; Out = $out; Err = $err }
}

function Wait-PwshProcess {
    <# Waits for the processes (at most -TimeoutSec) and returns each one's standard output as text. #>
    param([Parameter(Mandatory, ValueFromPipeline)] $Started, [int] $TimeoutSec = 120)
    process {
        foreach ($one in $Started) {
            if (-not $one.Process.WaitForExit($TimeoutSec * 1000)) {
                Stop-Process -Id $one.Process.Id -ErrorAction SilentlyContinue
                throw "pwsh process $($one.Process.Id) did not finish within $TimeoutSec s: $(Get-Content $one.Out -Raw)"
            }
            $one.Process.WaitForExit()
            [pscustomobject]@{
                ExitCode = $one.Process.ExitCode
                Output   = (Get-Content $one.Out -Raw)
                Error    = (Get-Content $one.Err -Raw)
            }
        }
    }
}

function Invoke-Pwsh {
    <# Runs -Command in a fresh pwsh process with the module imported and returns its result (ExitCode, Output, Error). #>
    param([Parameter(Mandatory)] [string] $Command, [string] $Culture, [int] $TimeoutSec = 120)
    Start-PwshProcess -Command $Command -Culture $Culture | Wait-PwshProcess -TimeoutSec $TimeoutSec
}

Export-ModuleMember -Function *
