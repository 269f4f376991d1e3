// The zteradb bench's table: the shared figure table (@conn/bench-kit) at this bench's widths.
import { type FigureTable, figureTable } from '@conn/bench-kit/report';

const TABLE: FigureTable = figureTable([62, 26, 6, 7, 4]);

export const printHeader: FigureTable['printHeader'] = TABLE.printHeader;
export const printFigure: FigureTable['printFigure'] = TABLE.printFigure;
export const printRatio: FigureTable['printRatio'] = TABLE.printRatio;
export { printNote } from '@conn/bench-kit/report';
