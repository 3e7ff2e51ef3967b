import { render } from 'preact';
import '@vscode/codicons/dist/codicon.css';
import './styles.css';
import { App } from './app';
import { Host } from './host';

const host = new Host();
const root = document.getElementById('root');
if (root) render(<App host={host} />, root);
