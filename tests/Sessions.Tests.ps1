#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    One device, one turn: names of one device share its turn in a shell and across shells; slot files live in a
    private folder, are never written through a link, and a claim from the future does not hold a device.
    Real pwsh processes, the simulator on 127.0.0.1 only. Real clock: about half a minute.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestSupport.psm1') -Force
    Import-Module (Get-GasleserManifest) -Force
    Use-TestPrivateFolder
    $script:Base = Get-FreePort
    $script:Sim = Start-GasleserSimulator -LogFolder $TestDrive -Device @("127.0.0.1:$Base", "127.0.0.1:$($Base + 1)", "127.0.0.1:$($Base + 2)")
    # This file's own slot folder, in this process and the ones it starts; the module makes it private.
    # (Not in TestDrive: Pester empties that after each Describe.)
    $script:Slots = Join-Path ([IO.Path]::GetTempPath()) ('gasleser-sessions-tests-' + [guid]::NewGuid().ToString('n'))
    $script:UseSlots = "[Gasleser.InternalHooks]::SetTestHook('PrivateFolder', '$Slots')`n"
    [Gasleser.InternalHooks]::SetTestHook('PrivateFolder', $Slots)
}

AfterAll {
    $Sim | Stop-GasleserSimulator
    Remove-Item $Slots -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Module Gasleser -ErrorAction SilentlyContinue
}

Describe 'A turn belongs to the device, not to its name' {
    It 'two shells asking one device as localhost and as 127.0.0.1 cause no 429 and keep 10 s apart' {
        $port = $Base
        $one = Start-PwshProcess -LogFolder $TestDrive -Command ($UseSlots + "Get-GasleserReading 'localhost:$port' | ForEach-Object ComputerName")
        $two = Start-PwshProcess -LogFolder $TestDrive -Command ($UseSlots + "Get-GasleserReading 'http://127.0.0.1:$port/' | ForEach-Object ComputerName")
        $outputs = $one, $two | Wait-PwshProcess -TimeoutSec 60

        $outputs[0].Output.Trim() | Should -Be "localhost:$port"
        $outputs[1].Output.Trim() | Should -Be "127.0.0.1:$port"
        Get-SimulatorStatus -Simulator $Sim -Port $port | Should -Be @(200, 200)
        Get-RequestGap -Simulator $Sim -Port $port | Should -BeGreaterOrEqual 10
    }

    It 'in one shell, the names share the turn and Get-GasleserSession shows them together' {
        $port = $Base + 1
        $readings = Get-GasleserReading "localhost:$port", "127.0.0.1:$port"

        $readings.ComputerName | Sort-Object | Should -Be @("127.0.0.1:$port", "localhost:$port")
        Get-SimulatorStatus -Simulator $Sim -Port $port | Should -Be @(200, 200)
        (Get-GasleserSession "127.0.0.1:$port").SharesTurnWith | Sort-Object | Should -Be @("127.0.0.1:$port", "localhost:$port")
    }
}

Describe 'Slot files' {
    It 'live in a folder only this user can use' -Skip:$IsWindows {
        (Get-Item $Slots).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    }

    It 'a claim from the future is rewritten and the device is read at once' {
        $port = $Base + 2
        Set-Content (Join-Path $Slots "gasleser-127.0.0.1-$port.slot") '9999-12-31T23:59:59.9999999Z' -NoNewline
        $watch = [Diagnostics.Stopwatch]::StartNew()

        $reading = Get-GasleserReading "127.0.0.1:$port" -TimeoutSec 2 -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [Gasleser.GasleserReading] }

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        $reading.ComputerName | Should -Be "127.0.0.1:$port"
        ($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'treated as corrupt and rewritten' }) | Should -Not -BeNullOrEmpty
    }

    It 'a slot file that is a symbolic link is never written through' -Skip:$IsWindows {
        $port = $Base + 2
        $victim = Join-Path $TestDrive 'precious.txt'
        Set-Content $victim 'the user''s own file'
        $slot = Join-Path $Slots "gasleser-127.0.0.1-$port.slot"
        Remove-Item $slot -ErrorAction SilentlyContinue
        New-Item -ItemType SymbolicLink -Path $slot -Target $victim | Out-Null

        $verbose = Get-GasleserReading "127.0.0.1:$port" -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        Get-Content $victim | Should -Be 'the user''s own file'
        $verbose.Message | Where-Object { $_ -match 'Spacing with other processes on this machine is off' } | Should -Not -BeNullOrEmpty
        Get-SimulatorStatus -Simulator $Sim -Port $port | Should -Be @(200, 200)
    }
}
